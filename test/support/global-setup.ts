import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { type ControlPlane, installUpstreamCrds, startControlPlane } from "./control-plane.js";

declare module "vitest" {
  export interface ProvidedContext {
    testenvDir: string;
    kubeconfig: string;
  }
}

let controlPlane: ControlPlane | undefined;

/**
 * Once per test run: build dist/ (tests run the real `bin/tenantctl.js`), and start the real
 * control plane with the upstream CRDs for the integration tests.
 */
export async function setup(project: TestProject): Promise<void> {
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"], {
    cwd: repo,
    stdio: "inherit",
  });
  controlPlane = startControlPlane();
  const client = KubeClient.fromKubeconfig({ kubeconfig: controlPlane.kubeconfig });
  const started = performance.now();
  const crds = await installUpstreamCrds(client);
  client.close();
  console.log(
    `test control plane: ready in ${Math.round(controlPlane.startMs)} ms, ${crds} upstream CRDs established in ${Math.round(performance.now() - started)} ms`,
  );
  project.provide("testenvDir", controlPlane.dir);
  project.provide("kubeconfig", controlPlane.kubeconfig);
}

export function teardown(): void {
  controlPlane?.stop();
}
