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
 * Once per run of the integration project: start the real control plane with the upstream
 * CRDs (dist/ is built by build-setup.ts, which runs first).
 */
export async function setup(project: TestProject): Promise<void> {
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
