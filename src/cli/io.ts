import { readFileSync } from "node:fs";

/** Exit codes: 1 for an invalid spec or findings, 2 for a usage error (STYLE.md). */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 70 } as const;

/** What commands may do to the outside world; tests pass their own. */
export interface Io {
  readonly version: string;
  out(text: string): void;
  err(text: string): void;
  /** Commands that succeed with findings (e.g. warnings-as-errors) set a non-zero code here. */
  setExitCode(code: number): void;
  exitCode(): number;
}

export function nodeIo(): Io {
  let code: number = EXIT.ok;
  // A reader that stops reading (`tenantctl render --out - | head`) closes the pipe: end
  // quietly, as every Unix tool does, instead of an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(code);
      throw error;
    });
  }
  return {
    version: packageVersion(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    setExitCode: (c) => {
      code = c;
    },
    exitCode: () => code,
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
