/**
 * The real control plane of the integration tests: kube-apiserver, etcd, controller-manager,
 * scheduler and KWOK built from the Go module proxy (scripts/k8s-testenv), with the upstream
 * CRDs at the pinned versions installed. A test that needs it and cannot get it fails.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { KubeClient } from "../../src/deploy/kube-client.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** Token users of the tests: the example platforms' tenant admins and a viewer, by their groups. */
export const TEST_USERS: Readonly<Record<string, readonly string[]>> = {
  "ops-admin": ["platform-team"],
  "globex-admin": ["globex-admins"],
  "initech-admin": ["initech-admins"],
  "initech-auditor": ["initech-auditors"],
  "umbrella-admin": ["umbrella-admins"],
  /** The products example's customer shop (examples/products.yaml). */
  "shop-initech-admin": ["shop-initech-admins"],
  /** A platform operator whose requests a test puts under a tiny API Priority and Fairness level. */
  "throttled-operator": ["throttled-operators"],
};

export interface ControlPlane {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly startMs: number;
  stop(): void;
}

export function startControlPlane(): ControlPlane {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-testenv-"));
  const tokens = Object.entries(TEST_USERS).map(
    ([user, groups], i) => `test-token-${i}-${user},${user},${user},"${groups.join(",")}"`,
  );
  writeFileSync(join(dir, "extra-tokens.csv"), `${tokens.join("\n")}\n`, { mode: 0o600 });
  const started = performance.now();
  execFileSync("bash", [join(repo, "scripts", "k8s-testenv", "start.sh"), dir], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const startMs = performance.now() - started;
  return {
    dir,
    kubeconfig: join(dir, "admin.kubeconfig"),
    startMs,
    stop: () => {
      execFileSync("bash", [join(repo, "scripts", "k8s-testenv", "stop.sh"), dir], { stdio: "inherit" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function kubeconfigOf(dir: string, user: string): string {
  return join(dir, `${user}.kubeconfig`);
}

/** Server-side applies every upstream CRD and waits until the API server serves them all. */
export async function installUpstreamCrds(client: KubeClient): Promise<number> {
  const listing = execFileSync("bash", [join(repo, "scripts", "upstream-crds.sh")], { encoding: "utf8" });
  const crds: { metadata: { name: string } }[] = [];
  for (const line of listing.trim().split("\n")) {
    const dir = line.slice(line.indexOf(" ") + 1);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
        const crd = doc.toJS() as { kind?: string; metadata: { name: string } } | null;
        if (crd?.kind === "CustomResourceDefinition") crds.push(crd);
      }
    }
  }
  const base = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  await Promise.all(
    crds.map((crd) =>
      client.call("PATCH", `${base}/${crd.metadata.name}`, {
        contentType: "application/apply-patch+yaml",
        body: crd,
        query: { fieldManager: "tenantctl-testenv", force: "true" },
      }),
    ),
  );
  for (let attempt = 0; attempt < 300; attempt++) {
    const list = await client.call<{
      items: { status?: { conditions?: { type: string; status: string }[] } }[];
    }>("GET", base);
    const established = list.body.items.filter((i) =>
      (i.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True"),
    ).length;
    if (established >= crds.length) {
      client.invalidateDiscovery();
      return crds.length;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("upstream CRDs were not established within 30 s");
}
