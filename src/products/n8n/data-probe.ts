/**
 * What a restore drill asks of n8n: that the workflows are there and that every credential
 * decrypts with the tenant's key. Asked of n8n itself (its `export:*` commands, with main's
 * environment), so that it holds for whatever a release does to encrypt credentials. The
 * decrypted export is read in memory from a file in the process's own 0700 home and deleted
 * at once: no secret reaches a log or the report.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { DataCheck } from "../contract/builders.js";

const run = promisify(execFile);

interface N8nProcess {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** Runs one `n8n export:<what> --all`; [] when n8n says there is nothing to export. */
async function exportAll(
  process: N8nProcess,
  what: "workflow" | "credentials",
  extra: string[],
): Promise<unknown[]> {
  const [n8n] = process.args;
  if (n8n === undefined) throw new Error("the migrator process names no n8n binary");
  const dir = mkdtempSync(join(process.cwd, ".probe-"));
  const file = join(dir, `${what}.json`);
  try {
    await run(process.command, [n8n, `export:${what}`, "--all", ...extra, `--output=${file}`], {
      env: { ...process.env, N8N_LOG_LEVEL: "warn" },
      cwd: process.cwd,
      maxBuffer: 16 * 2 ** 20,
      timeout: 180_000,
    });
    return JSON.parse(readFileSync(file, "utf8")) as unknown[];
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    if (/No (workflows|credentials) found/i.test(output)) return [];
    throw new Error(lastLines(output) || (error as Error).message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" | ");
}

export async function probeN8nData(process: N8nProcess): Promise<DataCheck[]> {
  const checks: DataCheck[] = [];
  try {
    const workflows = await exportAll(process, "workflow", []);
    checks.push({ name: "workflows", ok: true, detail: String(workflows.length) });
  } catch (error) {
    checks.push({ name: "workflows", ok: false, detail: (error as Error).message });
  }
  try {
    const credentials = await exportAll(process, "credentials", ["--decrypted"]);
    // Decrypted, a credential's data is an object; n8n leaves the ciphertext (a string) when it cannot.
    const readable = credentials.filter((c) => typeof (c as { data?: unknown }).data === "object").length;
    checks.push({
      name: "credentials decrypted",
      ok: readable === credentials.length,
      detail: `${readable} of ${credentials.length}`,
    });
  } catch (error) {
    checks.push({ name: "credentials decrypted", ok: false, detail: (error as Error).message });
  }
  return checks;
}
