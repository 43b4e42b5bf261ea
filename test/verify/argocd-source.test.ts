import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { SPEC_COPY } from "../../src/manifest/directory.js";
import { run } from "../support/cli.js";

/**
 * Doctored rendered directories: each hides a cross-tenant opening where a reader that is
 * not Argo CD's would miss it. verify must read what Argo CD applies and exit 1 naming the rule.
 */
const repo = fileURLToPath(new URL("../../", import.meta.url));
const example = join(repo, "examples", "platform.yaml");
let pristine: string;

beforeAll(async () => {
  pristine = join(mkdtempSync(join(tmpdir(), "tenantctl-argocd-source-")), "rendered");
  expect((await run("render", example, "--out", pristine)).code).toBe(0);
});

async function doctored(files: Record<string, string>, links: Record<string, string> = {}): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), "tenantctl-doctored-")), "rendered");
  expect((await run("render", example, "--out", dir)).code).toBe(0);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  for (const [link, target] of Object.entries(links)) symlinkSync(target, join(dir, link));
  return dir;
}

/** umbrella's pods may send anywhere, initech's pods admit anyone: a cross-tenant opening. */
const openEgress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "zz-open-egress", namespace: "tenant-umbrella" },
  spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] },
};
const openIngress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "zz-open-ingress", namespace: "tenant-initech" },
  spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] },
};
const json = (o: unknown) => JSON.stringify(o, null, 1);

const BYPASSES: { name: string; files: Record<string, string>; rule: string }[] = [
  {
    name: "the policies sit in .json files",
    files: {
      "tenants/umbrella/n8n/a.json": json(openEgress),
      "tenants/initech/n8n/b.json": json(openIngress),
    },
    rule: "cross-tenant-traffic",
  },
  {
    name: "the policies sit in dot files and a dot directory",
    files: {
      "tenants/umbrella/n8n/.hidden.yaml": json(openEgress),
      "tenants/initech/.cache/policy.yml": json(openIngress),
    },
    rule: "cross-tenant-traffic",
  },
  {
    name: "the policies are items of a kind: List",
    files: {
      "tenants/umbrella/n8n/list.yaml": json({
        apiVersion: "v1",
        kind: "List",
        items: [openEgress, openIngress],
      }),
    },
    rule: "cross-tenant-traffic",
  },
  {
    name: "the policies are items of a ConfigMapList",
    files: {
      "tenants/umbrella/n8n/list.yaml": json({
        apiVersion: "v1",
        kind: "ConfigMapList",
        items: [openEgress, openIngress],
      }),
    },
    rule: "cross-tenant-traffic",
  },
  {
    name: "the policies' specs come through a YAML merge key",
    files: {
      "tenants/umbrella/n8n/merged.yaml": [
        "<<: &policy {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy}",
        "metadata: {name: zz-open-egress, namespace: tenant-umbrella}",
        `spec: ${JSON.stringify(openEgress.spec)}`,
        "---",
        "<<: [{apiVersion: networking.k8s.io/v1}, {kind: NetworkPolicy}]",
        "metadata: {name: zz-open-ingress, namespace: tenant-initech}",
        `spec: ${JSON.stringify(openIngress.spec)}`,
      ].join("\n"),
    },
    rule: "cross-tenant-traffic",
  },
  {
    name: "the database port is written 012470 (octal 5432 in YAML 1.1)",
    files: {
      "tenants/umbrella/n8n/octal.yaml": [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: zz-db-egress, namespace: tenant-umbrella}",
        "spec:",
        "  podSelector: {}",
        "  policyTypes: [Egress]",
        "  egress: [{to: [{namespaceSelector: {}}], ports: [{port: 012470}]}]",
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: zz-db-ingress, namespace: tenant-initech}",
        "spec:",
        "  podSelector: {}",
        "  policyTypes: [Ingress]",
        "  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 012470}]}]",
      ].join("\n"),
    },
    rule: "cross-tenant-traffic",
  },
  {
    name: "an unlabelled ClusterRoleBinding in a tenant's directory grants the tenant's group cluster-wide",
    files: {
      "tenants/initech/platform/crb.yaml": [
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: ClusterRoleBinding",
        "metadata: {name: initech-secrets}",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}",
        "subjects: [{kind: Group, name: initech-admins, apiGroup: rbac.authorization.k8s.io}]",
      ].join("\n"),
    },
    rule: "rbac-subject-scope",
  },
  {
    name: "a RoleBinding in another tenant's namespace binds a tenant's group",
    files: {
      "tenants/umbrella/n8n/rb.yaml": [
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: RoleBinding",
        "metadata: {name: guests, namespace: tenant-umbrella}",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: tenant-viewer}",
        "subjects: [{kind: Group, name: initech-admins}]",
      ].join("\n"),
    },
    rule: "rbac-subject-scope",
  },
  {
    name: "a RoleBinding grants system:authenticated",
    files: {
      "tenants/umbrella/n8n/rb.yaml": [
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: RoleBinding",
        "metadata: {name: everyone, namespace: tenant-umbrella}",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: tenant-viewer}",
        "subjects: [{kind: Group, name: 'system:authenticated'}]",
      ].join("\n"),
    },
    rule: "rbac-subject-scope",
  },
  {
    name: "a tenant's pods may reach the instance metadata service",
    files: {
      "tenants/umbrella/n8n/imds.yaml": json({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "imds", namespace: "tenant-umbrella" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "169.254.169.254/32" } }] }],
        },
      }),
    },
    rule: "metadata-service-egress",
  },
  {
    name: "an except equals its cidr (the API server refuses the policy)",
    files: {
      "tenants/umbrella/n8n/except.yaml": json({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "except", namespace: "tenant-umbrella" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }] }],
        },
      }),
    },
    rule: "network-policy-invalid",
  },
  {
    name: "a URL with a password sits in an Argo CD Application",
    files: {
      "clusters/acme-prod/argocd/app.yaml": json({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "leak", namespace: "argocd" },
        spec: { source: { repoURL: "https://deploy:hunter2@git.example.com/x.git" } },
      }),
    },
    rule: "secret-literal",
  },
];

describe("verify reads what Argo CD applies", () => {
  it("passes the pristine rendering", async () => {
    expect((await run("verify", pristine)).code).toBe(0);
  });

  for (const bypass of BYPASSES) {
    it(`fails when ${bypass.name}`, async () => {
      const r = await run("verify", await doctored(bypass.files));
      expect(r.code).toBe(1);
      expect(r.out).toContain(`error [${bypass.rule}]`);
    });
  }

  it("fails when a policy is a jsonnet file, which verify cannot evaluate", async () => {
    const r = await run("verify", await doctored({ "tenants/initech/n8n/open.jsonnet": "{}" }));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "error [manifest-unreadable] tenants/initech/n8n/open.jsonnet: Argo CD evaluates jsonnet",
    );
  });

  it("fails when a label value is an unquoted on (a YAML 1.1 boolean the API server refuses)", async () => {
    const r = await run(
      "verify",
      await doctored({
        "tenants/initech/n8n/bool.yaml":
          "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: tenant-initech}\nspec:\n  podSelector: {matchLabels: {open: on}}\n  ingress: [{}]\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'error [network-policy-invalid] spec.podSelector: matchLabels["open"] is true (a boolean), not a string',
    );
  });

  it("reports a link loop, a dangling link and a link out of the directory by path, and reads a directory named x.yaml", async () => {
    const dir = await doctored(
      {
        "tenants/initech/n8n/dir.yaml/inner.yaml": json(openIngress),
        "tenants/umbrella/n8n/e.json": json(openEgress),
      },
      {
        "tenants/initech/loop.yaml": "loop.yaml",
        "tenants/initech/dangling.yaml": "nowhere.yaml",
        "tenants/initech/outside.yaml": "/etc/hostname",
      },
    );
    const r = await run("verify", dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "error [manifest-unreadable] tenants/initech/loop.yaml: is a symbolic link that cannot be followed: a loop of symbolic links",
    );
    expect(r.out).toContain(
      "error [manifest-unreadable] tenants/initech/dangling.yaml: is a symbolic link that cannot be followed: it points to nothing",
    );
    expect(r.out).toContain(
      "error [manifest-unreadable] tenants/initech/outside.yaml: is a symbolic link to /etc/hostname, outside the directory",
    );
    expect(r.out).toContain("error [cross-tenant-traffic]");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("fails with a clear error, not a crash, when the spec copy is corrupt", async () => {
    const r = await run("verify", await doctored({ [SPEC_COPY]: "{ not json" }));
    expect(r.code).toBe(1);
    expect(r.err).toContain("verify/spec-copy-invalid");
    expect(r.err).toContain("is not JSON");
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
