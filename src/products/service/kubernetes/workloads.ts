/**
 * A service product's components in the cluster: a Deployment per component (one container,
 * Pod Security restricted, its node class's pool), a Service for each that serves a port,
 * and a disruption budget for each that runs more than one replica.
 */
import type { Component } from "../../../input/schema.js";
import { componentWorkload, LABEL, productServiceAccount } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import { placement } from "../../../model/scheduling.js";
import { kubernetesConnections } from "../../../model/connections.js";
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
import type { WorkloadDeclaration } from "../../contract/declaration.js";
import { componentResources, DEFAULT_COMPONENT_USER } from "../declaration.js";
import { buildComponentEnv, POSTGRES_CA_DIRECTORY } from "../env.js";

type Probe = NonNullable<NonNullable<Component["probes"]>["readiness"]>;

export function componentLabels(tenant: TenantModel, component: string): Record<string, string> {
  return { [LABEL.name]: tenant.product.name, [LABEL.component]: component };
}

/** The component as the spec declares it (the model keeps the product's definition), with the tenant's image. */
export function componentSpec(tenant: TenantModel, component: string): Component {
  const c = tenant.product.definition?.components[component];
  if (c === undefined) throw new Error(`service: ${tenant.name} has no component ${component}`);
  const image = tenant.settings.images[component];
  return image === undefined ? c : { ...c, image };
}

export function renderComponentDeployment(tenant: TenantModel, w: WorkloadDeclaration): KubernetesObject {
  const c = componentSpec(tenant, w.component);
  const labels = componentLabels(tenant, w.component);
  const selector = { ...labels, [LABEL.tenant]: tenant.name };
  const connections = kubernetesConnections(tenant);
  const tls = connections.database.tls;
  const mountsCa = (c.talksTo ?? []).includes("postgres") && tls.mode === "verify";
  const probe = (p: Probe, failureThreshold: number) => ({
    failureThreshold,
    ...("path" in p ? { httpGet: { path: p.path, port: "http" } } : { exec: { command: p.command } }),
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: 5,
  });
  const container = {
    ...(c.args === undefined ? {} : { args: c.args }),
    ...(c.command === undefined ? {} : { command: c.command }),
    env: kubernetesEnv(
      buildComponentEnv(c, { product: tenant.product.name, connections, redisPrefix: tenant.redisPrefix }),
    ),
    image: c.image,
    ...(c.probes?.liveness === undefined ? {} : { livenessProbe: probe(c.probes.liveness, 6) }),
    name: w.component,
    ...(w.port === undefined ? {} : { ports: [{ containerPort: w.port, name: "http", protocol: "TCP" }] }),
    ...(c.probes?.readiness === undefined ? {} : { readinessProbe: probe(c.probes.readiness, 3) }),
    resources: containerResources(componentResources(c)),
    securityContext: RESTRICTED_CONTAINER_SECURITY,
    volumeMounts: [
      { mountPath: "/tmp", name: "tmp" },
      ...(mountsCa ? [{ mountPath: POSTGRES_CA_DIRECTORY, name: "postgres-ca", readOnly: true }] : []),
    ],
  };
  const ca = tls.mode === "verify" ? tls.ca : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: tenantMeta(tenant, componentWorkload(tenant.product.name, w.component), { labels }),
    spec: {
      // Autoscaled components start at their minimum; KEDA takes over.
      replicas: w.min,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" },
      template: {
        metadata: { labels: { ...tenantLabels(tenant), ...labels } },
        spec: {
          automountServiceAccountToken: false,
          containers: [container],
          enableServiceLinks: false,
          securityContext: restrictedPodSecurity(c.user ?? DEFAULT_COMPONENT_USER),
          serviceAccountName: productServiceAccount(tenant.product.name),
          topologySpreadConstraints: topologySpread(selector),
          volumes: [
            emptyDir("tmp", "1Gi"),
            ...(mountsCa && ca !== undefined
              ? [
                  {
                    name: "postgres-ca",
                    secret: { items: [{ key: ca.key, path: "ca.crt" }], secretName: ca.secret },
                  },
                ]
              : []),
          ],
          ...placementFields(placement(tenant, "app", w.nodeClass)),
        },
      },
    },
  };
}

/** A ClusterIP Service on the component's port; the ALB health-checks its readiness path. */
export function renderComponentService(
  tenant: TenantModel,
  w: WorkloadDeclaration,
): KubernetesObject | undefined {
  if (w.port === undefined) return undefined;
  const c = componentSpec(tenant, w.component);
  const readiness = c.probes?.readiness;
  const labels = componentLabels(tenant, w.component);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: tenantMeta(tenant, componentWorkload(tenant.product.name, w.component), {
      labels,
      ...(readiness !== undefined && "path" in readiness
        ? { annotations: { "alb.ingress.kubernetes.io/healthcheck-path": readiness.path } }
        : {}),
    }),
    spec: {
      ports: [{ name: "http", port: w.port, protocol: "TCP", targetPort: "http" }],
      selector: { ...labels, [LABEL.tenant]: tenant.name },
      type: "ClusterIP",
    },
  };
}

export function renderComponentDisruptionBudget(
  tenant: TenantModel,
  w: WorkloadDeclaration,
): KubernetesObject | undefined {
  if (w.max < 2) return undefined;
  const labels = componentLabels(tenant, w.component);
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: tenantMeta(tenant, componentWorkload(tenant.product.name, w.component), { labels }),
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels, [LABEL.tenant]: tenant.name } } },
  };
}
