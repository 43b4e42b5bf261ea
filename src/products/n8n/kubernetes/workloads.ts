import { LABEL, N8N, type N8nRole, productServiceAccount } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import { placement } from "../../../model/scheduling.js";
import { buildN8nEnv, buildRunnerEnv, n8nArgs, type N8nEnvInput } from "../env.js";
import { expressionEngine } from "../expressions.js";
import { declaredWorkload, N8N_SECRET } from "../declaration.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantLabels, tenantMeta } from "../../../manifest/metadata.js";
import {
  containerResources,
  emptyDir,
  kubernetesEnv,
  placementFields,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
  topologySpread,
} from "../../../manifest/pod.js";
import { kubernetesConnections } from "../../../model/connections.js";

/** The uid/gid of the `node` user in the official n8n and runners images. */
const N8N_UID = 1000;

export function n8nLabels(role: N8nRole): Record<string, string> {
  return { [LABEL.name]: N8N.app, [LABEL.component]: role };
}

export function n8nRoles(tenant: TenantModel): N8nRole[] {
  return tenant.settings.n8n.webhook.enabled ? ["main", "worker", "webhook"] : ["main", "worker"];
}

/** Environment input of one of the tenant's n8n processes as it runs in the cluster. */
export function clusterEnvInput(tenant: TenantModel, role: N8nRole): N8nEnvInput {
  return {
    version: tenant.settings.n8n.version,
    hostname: tenant.hostname,
    protocol: "https",
    listenPort: N8N.port,
    redisPrefix: tenant.redisPrefix,
    webhookProcessors: tenant.settings.n8n.webhook.enabled,
    encryptionKey: { secret: N8N_SECRET.encryptionKey.name, key: N8N_SECRET.encryptionKey.key },
    runnerAuthToken: { secret: N8N_SECRET.runnerToken.name, key: N8N_SECRET.runnerToken.key },
    connections: kubernetesConnections(tenant),
    proxyHops: 1,
    expressions: expressionEngine(tenant.settings, role),
    executions: tenant.settings.n8n.executions,
  };
}

export function renderN8nDeployment(tenant: TenantModel, role: N8nRole): KubernetesObject {
  const n8n = tenant.settings.n8n;
  const version = n8n.version;
  const input = clusterEnvInput(tenant, role);
  const labels = n8nLabels(role);
  const selector = { ...labels, [LABEL.tenant]: tenant.name };
  const resources =
    role === "main" ? n8n.main.resources : role === "worker" ? n8n.workers.resources : n8n.webhook.resources;
  const replicas =
    role === "main" ? n8n.main.replicas : role === "worker" ? n8n.workers.min : n8n.webhook.min;
  const probe = (path: string, failureThreshold: number) => ({
    failureThreshold,
    httpGet: { path, port: "http" },
    periodSeconds: 10,
    timeoutSeconds: 5,
  });
  const n8nContainer = {
    args: n8nArgs(role, n8n.workers.concurrency),
    command: ["n8n"],
    env: kubernetesEnv(buildN8nEnv(role, input)),
    image: `${PINNED.n8nImage}:${version}`,
    livenessProbe: probe("/healthz", 6),
    name: "n8n",
    ports: [{ containerPort: N8N.port, name: "http", protocol: "TCP" }],
    readinessProbe: probe("/healthz/readiness", 3),
    resources: containerResources(resources),
    securityContext: RESTRICTED_CONTAINER_SECURITY,
    startupProbe: { ...probe("/healthz", 30), periodSeconds: 5 },
    volumeMounts: [
      { mountPath: "/home/node/.n8n", name: "n8n-home" },
      { mountPath: "/tmp", name: "tmp" },
    ],
  };
  // Webhook processors only enqueue; workers (and main before n8n 2.13) host the task broker
  // and its runner (declared as the workload's second container, with the model's resources).
  const runnerResources = declaredWorkload(tenant, role).containers[1];
  const withRunner = runnerResources !== undefined;
  const runner = runnerResources && {
    env: kubernetesEnv(buildRunnerEnv(input)),
    image: `${PINNED.n8nRunnersImage}:${version}`,
    name: "task-runner",
    resources: containerResources(runnerResources),
    securityContext: RESTRICTED_CONTAINER_SECURITY,
    volumeMounts: [{ mountPath: "/tmp", name: "runner-tmp" }],
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: tenantMeta(tenant, N8N.roles[role], { labels }),
    spec: {
      // Workers and webhook processors start at their minimum; KEDA and the HPA take over.
      replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy:
        role === "main"
          ? { type: "Recreate" }
          : { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" },
      template: {
        metadata: { labels: { ...tenantLabels(tenant), ...labels } },
        spec: {
          automountServiceAccountToken: false,
          containers: runner ? [n8nContainer, runner] : [n8nContainer],
          enableServiceLinks: false,
          securityContext: restrictedPodSecurity(N8N_UID),
          serviceAccountName: productServiceAccount(tenant.product.name),
          terminationGracePeriodSeconds: role === "worker" ? 60 : 30,
          topologySpreadConstraints: topologySpread(selector),
          volumes: [
            emptyDir("n8n-home", "1Gi"),
            emptyDir("tmp", "1Gi"),
            ...(withRunner ? [emptyDir("runner-tmp", "512Mi")] : []),
          ],
          ...placementFields(placement(tenant, "app")),
        },
      },
    },
  };
}

export function renderN8nService(tenant: TenantModel, role: "main" | "webhook"): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: tenantMeta(tenant, N8N.roles[role], { labels: n8nLabels(role) }),
    spec: {
      ports: [{ name: "http", port: N8N.port, protocol: "TCP", targetPort: "http" }],
      selector: { ...n8nLabels(role), [LABEL.tenant]: tenant.name },
      type: "ClusterIP",
    },
  };
}

export function renderN8nPodDisruptionBudget(tenant: TenantModel, role: N8nRole): KubernetesObject {
  const selector = { ...n8nLabels(role), [LABEL.tenant]: tenant.name };
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: tenantMeta(tenant, N8N.roles[role], { labels: n8nLabels(role) }),
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  };
}
