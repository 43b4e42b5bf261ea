/** The set-up scripts' long steps speak while they run (scripts/heartbeat.sh). */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../scripts/heartbeat.sh", import.meta.url));
const run = (command: string) =>
  spawnSync("bash", ["-c", `set -euo pipefail; source "${script}"; ${command}`], {
    encoding: "utf8",
    env: { ...process.env, HEARTBEAT_SECONDS: "1" },
  });

describe("with_heartbeat", () => {
  it("prints a line while a long command runs, and stops when it ends", () => {
    const r = run('with_heartbeat "building x" sleep 2.5; sleep 1.5; echo finished');
    expect(r.status).toBe(0);
    const beats = r.stderr.split("\n").filter((l) => l.startsWith("  … still building x ("));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.length).toBeLessThanOrEqual(3);
    expect(r.stdout.trim()).toBe("finished");
  });

  it("passes the command's output through and fails as the command fails", () => {
    const ok = run('with_heartbeat "x" echo hello');
    expect(ok.stdout).toBe("hello\n");
    const failed = run('with_heartbeat "x" false');
    expect(failed.status).not.toBe(0);
  });
});
