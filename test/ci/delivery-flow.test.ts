/**
 * The CI templates of examples/ci/, checked as their runners would read them, and their
 * tenantctl steps run end to end on real Git repositories made here (a bare "remote" and
 * clones): an application's pipeline sets its image on staging and pushes a branch, the
 * platform's pull request check passes on it (and fails on a hand edit), promotion carries it
 * to production.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const ci = join(repo, "examples", "ci");
const ECR = "111122223333.dkr.ecr.eu-central-1.amazonaws.com/portal";

function tool(env: string, name: string): string {
  const path = process.env[env];
  if (path === undefined)
    throw new Error(`${env} is not set; run: bash -c 'source scripts/lib.sh; ensure_ci_tools'`);
  return path || name;
}

/** The application pipeline's step, as the templates run it. */
const setImageOnStaging = (image: string, targets: string): [string, ...string[]] => [
  "bash",
  "ci/set-image.sh",
  "platform.yaml",
  "rendered",
  "staging",
  image,
  targets,
];

interface Ran {
  code: number;
  out: string;
  err: string;
}

describe("CI templates and the delivery flow", () => {
  const root = mkdtempSync(join(tmpdir(), "tenantctl-ci-"));
  const bin = join(root, "bin");
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: root,
  };
  const sh = (cwd: string, command: string, ...args: string[]): Ran => {
    const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const ok = (cwd: string, command: string, ...args: string[]): string => {
    const r = sh(cwd, command, ...args);
    if (r.code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.code}):\n${r.out}\n${r.err}`);
    return r.out.trim();
  };
  const clone = (name: string, branch?: string): string => {
    const dir = join(root, name);
    ok(
      root,
      "git",
      "clone",
      "--quiet",
      ...(branch === undefined ? [] : ["--branch", branch]),
      join(root, "platform.git"),
      dir,
    );
    return dir;
  };

  beforeAll(() => {
    // tenantctl on the PATH, as `npm install --global tenantctl` puts it there
    mkdirSync(bin);
    writeFileSync(join(bin, "tenantctl"), `#!/bin/sh\nexec node ${join(repo, "bin", "tenantctl.js")} "$@"\n`);
    chmodSync(join(bin, "tenantctl"), 0o755);
    ok(root, "git", "config", "--global", "user.name", "platform-admin");
    ok(root, "git", "config", "--global", "user.email", "admin@localhost");
    ok(root, "git", "init", "--quiet", "--bare", "--initial-branch=main", "platform.git");
    // GIVEN a platform repository: examples/clusters.yaml, its rendered tree, the CI scripts
    const admin = clone("admin-setup");
    cpSync(join(repo, "examples", "clusters.yaml"), join(admin, "platform.yaml"));
    cpSync(join(ci, "scripts"), join(admin, "ci"), { recursive: true });
    ok(admin, "tenantctl", "render", "platform.yaml", "--out", "rendered");
    ok(admin, "git", "add", ".");
    ok(admin, "git", "commit", "--quiet", "-m", "the platform");
    ok(admin, "git", "push", "--quiet", "origin", "main");
  }, 120_000);

  it("has GitHub workflows that actionlint (with shellcheck) passes, and it does catch a broken one", () => {
    const actionlint = tool("TENANTCTL_ACTIONLINT", "actionlint");
    const files = readdirSync(join(ci, "github")).map((f) => join(ci, "github", f));
    expect(files.length).toBe(3);
    const r = sh(repo, actionlint, ...files);
    expect(r.out + r.err).toBe("");
    expect(r.code).toBe(0);
    // a workflow reading an output its job does not declare is caught
    const broken = join(root, "broken.yml");
    writeFileSync(
      broken,
      readFileSync(join(ci, "github", "application.yml"), "utf8").replace(
        "${{ needs.image.outputs.image }}",
        "${{ needs.image.outputs.imag }}",
      ),
    );
    expect(sh(repo, actionlint, broken).code).not.toBe(0);
  });

  it("has GitLab pipelines whose jobs are POSIX sh that shellcheck passes, in declared stages", () => {
    for (const file of readdirSync(join(ci, "gitlab"))) {
      const pipeline = parse(readFileSync(join(ci, "gitlab", file), "utf8")) as Record<string, unknown>;
      const stages = pipeline.stages as string[];
      const jobs = Object.entries(pipeline).filter(
        ([k]) => !k.startsWith(".") && k !== "stages" && k !== "variables",
      );
      expect(jobs.length).toBeGreaterThan(1);
      for (const [name, job] of jobs as [
        string,
        { stage: string; script: unknown[]; before_script?: unknown[]; needs?: string[] },
      ][]) {
        expect(stages, `${file}: ${name}'s stage`).toContain(job.stage);
        for (const need of job.needs ?? [])
          expect(Object.keys(pipeline), `${file}: ${name} needs ${need}`).toContain(need);
        const lines = [...(job.before_script ?? []), ...job.script].flat().map(String);
        const r = spawnSync("shellcheck", ["--shell=sh", "-"], {
          input: `${lines.join("\n")}\n`,
          encoding: "utf8",
        });
        expect(r.stdout, `${file}: ${name}`).toBe("");
      }
    }
  });

  it("has scripts that shellcheck passes, named by the templates, and templates that install this version", () => {
    const scripts = readdirSync(join(ci, "scripts"));
    const r = spawnSync(
      "shellcheck",
      scripts.map((s) => join(ci, "scripts", s)),
      { encoding: "utf8" },
    );
    expect(r.stdout).toBe("");
    const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string })
      .version;
    for (const dir of ["github", "gitlab"]) {
      for (const file of readdirSync(join(ci, dir))) {
        const text = readFileSync(join(ci, dir, file), "utf8");
        for (const [, script] of text.matchAll(/ci\/([a-z-]+\.sh)/g))
          expect(scripts, `${file} runs ${script}`).toContain(script);
        for (const [, v] of text.matchAll(/tenantctl@(\S+)/g)) expect(v, file).toBe(version);
      }
    }
  });

  it("carries an image from an application's pipeline to staging, through the pull request check, to production by promotion", () => {
    // WHEN the application's pipeline sets its new image on staging (ci/set-image.sh) and pushes the branch
    const app = clone("application-ci");
    const image = `${ECR}/api:3.3.0`;
    const branch = ok(app, ...setImageOnStaging(image, "portal-globex/api portal-globex/worker"));
    expect(branch).toBe("set-image/api-3.3.0");
    ok(app, "git", "push", "--quiet", "origin", branch);
    // THEN the remote has the branch, and it changes two lines of platform.yaml and staging's tree only
    expect(ok(root, "git", "--git-dir", "platform.git", "branch", "--list", branch)).toContain(branch);
    const changed = ok(app, "git", "diff", "--name-only", "main", branch).split("\n");
    expect(changed).toEqual([
      "platform.yaml",
      "rendered/.tenantctl-spec",
      "rendered/clusters/acme-staging/tenants/portal-globex/portal/deployment-portal-api.yaml",
      "rendered/clusters/acme-staging/tenants/portal-globex/portal/deployment-portal-worker.yaml",
    ]);
    const specDiff = ok(app, "git", "diff", "--unified=0", "main", branch, "--", "platform.yaml")
      .split("\n")
      .filter((l) => /^[-+][^-+]/.test(l));
    expect(specDiff).toEqual([
      `-          api: ${ECR}/api:3.2.0-rc.1`,
      `+          api: ${image}`,
      `+          worker: ${image}`,
    ]);

    // AND the platform's pull request check passes on it: render --check, verify per cluster, cost
    const pr = clone("pull-request", branch);
    ok(pr, "git", "fetch", "--quiet", "origin", "main");
    const check = sh(pr, "bash", "ci/check.sh", "platform.yaml", "rendered", "reports", "origin/main");
    expect(check.code, check.out + check.err).toBe(0);
    for (const cluster of ["staging", "prod"]) {
      const sarif = JSON.parse(readFileSync(join(pr, "reports", `verify-${cluster}.sarif`), "utf8")) as {
        version: string;
        runs: { tool: { driver: { name: string } }; results: unknown[] }[];
      };
      expect(sarif.version).toBe("2.1.0");
      expect(sarif.runs[0]?.tool.driver.name).toBe("tenantctl verify");
      expect(sarif.runs[0]?.results).toEqual([]);
    }
    const cost = readFileSync(join(pr, "reports", "cost.md"), "utf8");
    expect(cost).toMatch(/#### staging\n\n```diff\n\(no change\)\n```/);
    expect(cost).toMatch(/#### prod\n\n```diff\n\(no change\)\n```/);

    // WHEN it is merged and the platform team promotes staging to prod (ci/promote.sh)
    const admin = clone("admin");
    ok(admin, "git", "merge", "--quiet", "--ff-only", `origin/${branch}`);
    ok(admin, "git", "push", "--quiet", "origin", "main");
    const promotion = ok(admin, "bash", "ci/promote.sh", "platform.yaml", "rendered", "staging", "prod");
    expect(promotion).toMatch(/^promote\/staging-to-prod-\d{14}$/);
    // THEN production's Deployments run the image, and the tree is what the spec renders
    for (const component of ["api", "worker"]) {
      const deployment = readFileSync(
        join(
          admin,
          "rendered/clusters/acme-prod/tenants/portal-globex/portal",
          `deployment-portal-${component}.yaml`,
        ),
        "utf8",
      );
      expect(deployment).toContain(`image: ${JSON.stringify(image).slice(1, -1)}`);
    }
    expect(sh(admin, "tenantctl", "render", "platform.yaml", "--out", "rendered", "--check").code).toBe(0);
    // and a second promotion (on the promoted branch) finds nothing to do
    expect(ok(admin, "bash", "ci/promote.sh", "platform.yaml", "rendered", "staging", "prod")).toBe("");
  });

  it("fails the pull request check on a spec edited without rendering, naming the files, and on a hand-added manifest", () => {
    const pr = clone("hand-edit");
    const spec = readFileSync(join(pr, "platform.yaml"), "utf8");
    writeFileSync(
      join(pr, "platform.yaml"),
      spec.replace('quota: { cpu: "2", memory: 4Gi }', 'quota: { cpu: "3", memory: 4Gi }'),
    );
    const stale = sh(pr, "bash", "ci/check.sh", "platform.yaml", "rendered", "reports");
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("rendered differs from what the spec renders");
    expect(stale.out).toContain(
      "  clusters/acme-staging/tenants/portal-globex/platform/resourcequota-tenant-quota.yaml",
    );
    // a ClusterRoleBinding slipped into staging's tenant directory: not rendered, and verify objects too
    ok(pr, "git", "checkout", "--quiet", "--", "platform.yaml");
    writeFileSync(
      join(pr, "rendered/clusters/acme-staging/tenants/portal-globex/portal/clusterrolebinding-escape.yaml"),
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: escape }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: Group, name: portal-globex-admins, apiGroup: rbac.authorization.k8s.io }]\n",
    );
    const slipped = sh(pr, "bash", "ci/check.sh", "platform.yaml", "rendered", "reports");
    expect(slipped.code).toBe(1);
    expect(slipped.out).toContain("not rendered (render removes them; Argo CD would apply them)");
    const sarif = JSON.parse(readFileSync(join(pr, "reports", "verify-staging.sarif"), "utf8")) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain("rbac-admin-binding");
  });

  it("commits nothing when an edit is refused", () => {
    const app = clone("refused");
    const head = ok(app, "git", "rev-parse", "HEAD");
    const r = sh(app, ...setImageOnStaging(`${ECR}/api:9.9.9`, "portal-globex/wrker"));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("did you mean worker?");
    expect(ok(app, "git", "rev-parse", "HEAD")).toBe(head);
    expect(ok(app, "git", "status", "--porcelain")).toBe("");
  });
});
