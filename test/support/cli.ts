import { EXIT, type Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** Runs the CLI in-process with a recording Io: exit code, stdout and stderr. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  let exit: number = EXIT.ok;
  const io: Io = {
    version: "0.0.0-test",
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    setExitCode: (c) => {
      exit = c;
    },
    exitCode: () => exit,
  };
  const code = await main(argv, io);
  return { code, out, err };
}
