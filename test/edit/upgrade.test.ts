import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TenantctlError } from "../../src/diagnostics/diagnostic.js";
import { restoreInCluster, upgradeWave } from "../../src/edit/upgrade.js";
import { removeKey } from "../../src/edit/yaml-text.js";
import { runningFromCopy } from "../../src/model/release-changes.js";
import { validSpec } from "../support/example.js";
import { run } from "../support/cli.js";

const WAVES = readFileSync(
  fileURLToPath(new URL("../golden/upgrade/platform.yaml", import.meta.url)),
  "utf8",
);
const spec = (text: string) => validSpec(text);
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof TenantctlError) return error.diagnostics[0]?.code;
    throw error;
  }
};
/** The lines of `after` that are not in `before`, and the other way round. */
const changed = (before: string, after: string) => {
  const a = before.split("\n");
  const b = after.split("\n");
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
};

describe("tenantctl upgrade: one wave, staged, in platform.yaml", () => {
  it("stages the rest wave once the earlier waves run the version, keeping every other byte", () => {
    // The canary is still moving: the rest may not follow yet.
    expect(codeOf(() => upgradeWave(WAVES, spec(WAVES), { wave: "rest", to: "2.41.1" }))).toBe(
      "upgrade/earlier-wave-behind",
    );
    const finished = upgradeWave(WAVES, spec(WAVES), { wave: "canary", finish: true });
    expect(finished.steps.map((s) => [s.tenant, s.from, s.to])).toEqual([
      ["upg-canary", "1.123.81", "2.41.1"],
    ]);
    expect(changed(WAVES, finished.text)).toEqual({
      removed: ["      upgradeFrom: 1.123.81   # written by tenantctl upgrade --wave canary --to 2.41.1"],
      added: [],
    });
    const staged = upgradeWave(finished.text, spec(finished.text), { wave: "rest", to: "2.41.1" });
    expect(staged.steps).toEqual([
      {
        tenant: "upg-later",
        key: "n8n.version",
        from: "1.123.81",
        to: "2.41.1",
        action: expect.stringContaining("a CloudNativePG Backup named for the release") as string,
      },
    ]);
    const block = "    zone: upg-customers\n    n8n:\n      version: 2.41.1\n      upgradeFrom: 1.123.81\n";
    expect(staged.text).toContain(`  - name: upg-later\n${block}`);
    expect(staged.text.replace(block, "    zone: upg-customers\n")).toBe(finished.text);
    expect(spec(staged.text).tenants[2]?.n8n).toEqual({ version: "2.41.1", upgradeFrom: "1.123.81" });
  });

  it("refuses a downgrade, a move while one is under way, and an unknown wave with a did-you-mean", () => {
    expect(codeOf(() => upgradeWave(WAVES, spec(WAVES), { wave: "staff", to: "2.40.0" }))).toBe(
      "upgrade/n8n-downgrade",
    );
    expect(codeOf(() => upgradeWave(WAVES, spec(WAVES), { wave: "canary", to: "2.42.0" }))).toBe(
      "upgrade/under-way",
    );
    try {
      upgradeWave(WAVES, spec(WAVES), { wave: "canry", to: "2.41.1" });
      expect.unreachable();
    } catch (error) {
      expect((error as TenantctlError).diagnostics[0]?.hint).toBe("did you mean canary?");
    }
  });

  it("judges earlier waves by what runs too: the rendered copy must have them on the version", () => {
    const finished = upgradeWave(WAVES, spec(WAVES), { wave: "canary", finish: true }).text;
    // What runs still has the canary mid-move (the finish is not rendered yet).
    expect(
      codeOf(() =>
        upgradeWave(finished, spec(finished), {
          wave: "rest",
          to: "2.41.1",
          running: runningFromCopy(spec(WAVES)),
        }),
      ),
    ).toBe("upgrade/earlier-wave-behind");
    expect(
      upgradeWave(finished, spec(finished), {
        wave: "rest",
        to: "2.41.1",
        running: runningFromCopy(spec(finished)),
      }).steps,
    ).toHaveLength(1);
  });

  it("finishes only what the rendered tree already runs staged", () => {
    const before = WAVES.replace(
      "      upgradeFrom: 1.123.81   # written by tenantctl upgrade --wave canary --to 2.41.1\n",
      "",
    ).replace("    n8n:\n      version: 2.41.1\n", "    n8n:\n      version: 1.123.81\n");
    expect(
      codeOf(() =>
        upgradeWave(WAVES, spec(WAVES), {
          wave: "canary",
          finish: true,
          running: runningFromCopy(spec(before)),
        }),
      ),
    ).toBe("upgrade/not-rendered");
    expect(
      upgradeWave(WAVES, spec(WAVES), { wave: "canary", finish: true, running: runningFromCopy(spec(WAVES)) })
        .steps,
    ).toHaveLength(1);
  });

  it("writes under clusters.<key> on a spec with several clusters, and needs --cluster there", () => {
    const multi = WAVES.replace(
      "gitops:",
      'clusters:\n  staging: { awsAccountId: "444455556666", domain: staging.waves.example }\n  prod: {}\ngitops:',
    ).replace(
      "  - name: upg-later\n    zone: upg-customers\n",
      "  - name: upg-later\n    zone: upg-customers\n    clusters: [staging, prod]\n",
    );
    expect(codeOf(() => upgradeWave(multi, spec(multi), { wave: "rest", to: "2.41.1" }))).toBe(
      "upgrade/cluster-required",
    );
    const ready = multi.replace(
      "      upgradeFrom: 1.123.81   # written by tenantctl upgrade --wave canary --to 2.41.1\n",
      "",
    );
    expect(
      codeOf(() => upgradeWave(ready, spec(ready), { wave: "canary", to: "2.41.1", cluster: "staging" })),
    ).toBe(undefined);
    const staged = upgradeWave(ready, spec(ready), { wave: "rest", to: "2.41.1", cluster: "staging" });
    const later = spec(staged.text).tenants[2];
    expect(later?.clusters).toEqual({
      staging: { n8n: { version: "2.41.1", upgradeFrom: "1.123.81" } },
      prod: {},
    });
  });

  it("removes a key from block and flow maps and keeps the rest", () => {
    expect(
      removeKey("n8n:\n  version: 2.41.1\n  upgradeFrom: 1.0.0 # x\n  main: {}\n", ["n8n", "upgradeFrom"]),
    ).toBe("n8n:\n  version: 2.41.1\n  main: {}\n");
    expect(removeKey("n8n: { version: 2.41.1, upgradeFrom: 1.0.0 }\n", ["n8n", "upgradeFrom"])).toBe(
      "n8n: { version: 2.41.1 }\n",
    );
    expect(removeKey("n8n: { upgradeFrom: 1.0.0, version: 2.41.1 }\n", ["n8n", "upgradeFrom"])).toBe(
      "n8n: { version: 2.41.1 }\n",
    );
    expect(removeKey("n8n: { version: 2.41.1 }\n", ["n8n", "upgradeFrom"])).toBe(
      "n8n: { version: 2.41.1 }\n",
    );
  });

  it("runs as a command: the plan, the diff, the next step; the file stays valid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-upgrade-edit-"));
    const file = join(dir, "platform.yaml");
    writeFileSync(file, WAVES);
    const refused = await run("upgrade", file, "--wave", "rest", "--to", "2.41.1");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("upgrade/earlier-wave-behind");
    expect(readFileSync(file, "utf8")).toBe(WAVES);
    const finish = await run("upgrade", file, "--wave", "canary", "--finish");
    expect(finish.code, finish.err).toBe(0);
    const r = await run("upgrade", file, "--wave", "rest", "--to", "2.41.1");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/upg-later +1\.123\.81 +2\.41\.1 +a CloudNativePG Backup/);
    expect(r.out).toContain("--wave rest --finish");
    const usage = await run("upgrade", file, "--wave", "rest");
    expect(usage.code).toBe(2);
  });
});

describe("tenantctl restore --in-cluster: the next generation of the database server", () => {
  const RESTORE = readFileSync(
    fileURLToPath(new URL("../golden/restore/platform.yaml", import.meta.url)),
    "utf8",
  );
  const FRESH = RESTORE.replace(
    '    database:\n      restore: { generation: 2, pointInTime: "2026-12-01T05:00:00Z" }\n',
    "",
  );

  it("writes generation 2 with the time, then 3 without it, as numbers, keeping the rest", () => {
    const first = restoreInCluster(FRESH, spec(FRESH), {
      tenant: "rst-acme",
      pointInTime: "2026-12-01T05:00:00Z",
    });
    expect(first.restore).toEqual({
      tenant: "rst-acme",
      from: 1,
      to: 2,
      pointInTime: "2026-12-01T05:00:00Z",
    });
    expect(spec(first.text).tenants[0]?.database?.restore).toEqual({
      generation: 2,
      pointInTime: "2026-12-01T05:00:00Z",
    });
    const second = restoreInCluster(RESTORE, spec(RESTORE), { tenant: "rst-acme" });
    expect(second.text).toBe(
      RESTORE.replace('{ generation: 2, pointInTime: "2026-12-01T05:00:00Z" }', "{ generation: 3 }"),
    );
  });

  it("runs as a command, and names a misspelt tenant", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-restore-edit-"));
    const file = join(dir, "platform.yaml");
    writeFileSync(file, FRESH);
    const r = await run(
      "restore",
      file,
      "rst-acme",
      "--in-cluster",
      "--point-in-time",
      "2026-12-01T05:00:00Z",
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("generation 2 from generation 1's backups up to 2026-12-01T05:00:00Z");
    expect(spec(readFileSync(file, "utf8")).tenants[0]?.database?.restore?.generation).toBe(2);
    const typo = await run("restore", file, "rst-acmee", "--in-cluster");
    expect(typo.code).toBe(1);
    expect(typo.err).toContain("did you mean rst-acme?");
    const local = await run("restore", file, "rst-acme");
    expect(local.code).toBe(2);
  });
});
