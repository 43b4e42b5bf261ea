/**
 * Virtual environments of `up` for components that run Python: one per requirements file's
 * content (and Python version), in tenantctl's cache, never in the project. Installed once
 * from PyPI with pip's progress shown; a half-installed one (interrupted) is started over.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { failure } from "../../diagnostics/diagnostic.js";
import { cacheRoot } from "./cache.js";

const COMPLETE = ".tenantctl-complete";

function python(): string {
  return process.env.TENANTCTL_PYTHON ?? "python3";
}

export async function ensurePythonEnvironment(
  requirementsFile: string,
  progress: (line: string) => void,
): Promise<string> {
  if (!existsSync(requirementsFile)) {
    throw failure(
      "up/python-requirements",
      `the requirements file ${requirementsFile} does not exist`,
      "fix local.python.requirements of the component (a path relative to the spec file)",
    );
  }
  const requirements = readFileSync(requirementsFile, "utf8");
  const version = spawnSync(python(), ["--version"], { encoding: "utf8" });
  if (version.status !== 0) {
    throw failure(
      "up/prerequisites",
      `missing: Python 3 (${python()} --version failed)`,
      "apt-get update && apt-get install -y python3 python3-venv",
    );
  }
  const key = createHash("sha256")
    .update(`${version.stdout.trim()}\n${requirements}`)
    .digest("hex")
    .slice(0, 12);
  const dir = join(cacheRoot(), `venv-product-${key}`);
  if (existsSync(join(dir, COMPLETE))) return dir;
  rmSync(dir, { recursive: true, force: true });
  progress(`installing the Python packages of ${requirementsFile} from PyPI into ${dir} (once)`);
  await run(python(), ["-m", "venv", dir], progress, "python3 -m venv (install python3-venv)");
  await run(
    join(dir, "bin", "pip"),
    ["install", "--disable-pip-version-check", "--progress-bar", "off", "-r", requirementsFile],
    progress,
    "pip install",
  );
  writeFileSync(join(dir, COMPLETE), `${requirementsFile}\n`);
  return dir;
}

/** A command whose output lines go to progress (indented); a failure names the command and its last lines. */
function run(
  command: string,
  args: readonly string[],
  progress: (line: string) => void,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        tail.push(line);
        if (tail.length > 8) tail.shift();
        progress(`  ${line}`);
      }
    };
    child.stdout.on("data", onLine);
    child.stderr.on("data", onLine);
    child.once("error", (error) =>
      reject(
        failure(
          "up/python-environment",
          `${what} could not run: ${error.message}`,
          "install python3 and python3-venv",
        ),
      ),
    );
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else
        reject(
          failure(
            "up/python-environment",
            `${what} failed (exit ${code}):\n${tail.join("\n")}`,
            "check the requirements file and that PyPI is reachable, then run tenantctl up again",
          ),
        );
    });
  });
}
