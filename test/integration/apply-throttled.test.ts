import { afterAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { kubeconfigOf } from "../support/control-plane.js";
import { validSpec } from "../support/example.js";
import { sidePlatformText } from "../support/spec-text.js";

/**
 * The API server's own throttling (API Priority and Fairness): GIVEN an operator whose requests
 * go to a priority level of one share that rejects what it cannot seat, WHEN apply sends 16
 * requests at a time (re-applying a platform the admin applied), THEN the server answers 429, apply retries each, lowers its requests in
 * flight, and completes the platform all the same.
 */
const SPEC_TEXT = sidePlatformText("throttledemo", "td", ["ta", "tb", "tc", "td", "te", "tf"]);
const USER = "throttled-operator";
const admin = KubeClient.fromKubeconfig({ kubeconfig: inject("kubeconfig") });
const operator = KubeClient.fromKubeconfig({
  kubeconfig: kubeconfigOf(inject("testenvDir"), USER),
  timeoutMs: 60_000,
});
const APF = "/apis/flowcontrol.apiserver.k8s.io/v1";

afterAll(async () => {
  await admin.request("DELETE", `${APF}/flowschemas/tenantctl-test-throttled`);
  await admin.request("DELETE", `${APF}/prioritylevelconfigurations/tenantctl-test-tiny`);
  await admin.request(
    "DELETE",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/tenantctl-test-throttled",
  );
  admin.close();
  operator.close();
});

async function create(path: string, body: Record<string, unknown>): Promise<void> {
  await admin.call("POST", path, { body });
}

describe("apply under the API server's throttling", () => {
  it("is answered 429, slows down, retries, and completes", async () => {
    await create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "tenantctl-test-throttled" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: USER }],
    });
    await create(`${APF}/prioritylevelconfigurations`, {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "PriorityLevelConfiguration",
      metadata: { name: "tenantctl-test-tiny" },
      spec: {
        type: "Limited",
        limited: { nominalConcurrencyShares: 1, lendablePercent: 0, limitResponse: { type: "Reject" } },
      },
    });
    await create(`${APF}/flowschemas`, {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "FlowSchema",
      metadata: { name: "tenantctl-test-throttled" },
      spec: {
        matchingPrecedence: 100,
        priorityLevelConfiguration: { name: "tenantctl-test-tiny" },
        rules: [
          {
            subjects: [{ kind: "User", user: { name: USER } }],
            resourceRules: [
              { verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope: true },
            ],
            nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
          },
        ],
      },
    });
    // The API server's configuration controller takes the new level up within seconds.
    await new Promise((r) => setTimeout(r, 3000));

    // The namespaces are created by the platform (admission lets only it give the tenant labels);
    // the operator then re-applies every object, as `apply --reconcile-all` does.
    const spec = validSpec(SPEC_TEXT);
    await applyPlatform(admin, resolve(spec), render(spec));
    const report = await applyPlatform(operator, resolve(spec), render(spec), {
      concurrency: 16,
      reconcileAll: true,
    });
    const problems = report.results.filter((r) => r.outcome === "failed" || r.outcome === "not-attempted");
    expect(problems.slice(0, 3).map((r) => `${r.outcome} ${r.ref.kind} ${r.error ?? ""}`)).toEqual([]);
    expect(report.incomplete).toBe(false);
    expect(report.throttled).toBeGreaterThan(0);
    expect(report.lowestConcurrency).toBeLessThan(16);
  });
});
