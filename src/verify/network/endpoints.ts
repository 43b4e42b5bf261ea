import {
  ADDON_NAMESPACE,
  CNPG_CLUSTER_LABEL,
  KUBE_DNS,
  LABEL,
  PORT,
  RABBITMQ_LABELS,
  REDIS_LABELS,
} from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import type { SourcedObject } from "../input.js";
import type { Scope } from "../ownership.js";
import { podTemplateOf } from "../workloads.js";
import type { NamedPort, Protocol } from "./ports.js";
import type { Labels } from "./selector.js";

/**
 * The endpoints of the reachability analysis: one per pod template (all replicas of a
 * workload are alike to a NetworkPolicy), named as netpol-analyzer names them,
 * `namespace/name[Kind]`, plus the cluster's own components that the rendered manifests
 * talk to but do not contain (kube-dns, the operators, Prometheus) and one unlabelled pod
 * standing for every other workload in the cluster.
 */
/**
 * What an endpoint is to the isolation rules: a tenant's product pods (app), a database
 * server (data-service), a queue server (queue: Redis, RabbitMQ), the cluster's own components, or other.
 */
export type EndpointRole = "app" | "data-service" | "queue" | "platform" | "other";

export interface Endpoint {
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly NamedPort[];
  readonly role: EndpointRole;
  /** The tenant whose namespace it runs in. */
  readonly tenant: string | undefined;
  /** The zone of its namespace (a tenant's, or a zone's shared data namespace). */
  readonly zone: string | undefined;
  /** The manifest that creates it; undefined for the cluster's own components. */
  readonly source: SourcedObject | undefined;
}

export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
}

type Obj = Record<string, unknown>;

/** CloudNativePG's instance pods: what the operator labels them with and listens on. */
const CNPG_INSTANCE_PORTS: readonly NamedPort[] = [
  { name: "postgresql", port: PORT.postgres, protocol: "TCP" },
  { name: "metrics", port: PORT.postgresMetrics, protocol: "TCP" },
  { name: "status", port: PORT.cnpgInstanceManager, protocol: "TCP" },
];

/** PgBouncer pods of a CloudNativePG Pooler. */
const POOLER_PORTS: readonly NamedPort[] = [
  { name: "pgbouncer", port: PORT.postgres, protocol: "TCP" },
  { name: "metrics", port: 9127, protocol: "TCP" },
];

/** A RabbitmqCluster's pods: what the cluster operator listens on. */
const RABBITMQ_PORTS: readonly NamedPort[] = [
  { name: "amqp", port: PORT.amqp, protocol: "TCP" },
  { name: "management", port: PORT.rabbitmqManagement, protocol: "TCP" },
  { name: "prometheus", port: PORT.rabbitmqMetrics, protocol: "TCP" },
  { name: "epmd", port: PORT.epmd, protocol: "TCP" },
  { name: "cluster-rpc", port: PORT.rabbitmqClustering, protocol: "TCP" },
];

/**
 * The operators' objects whose pods verify models from the object itself (the operator makes
 * them): the labels the operator gives those pods, what they listen on, what they are.
 */
const OPERATED: Readonly<
  Record<
    string,
    {
      readonly group: string;
      readonly role: EndpointRole;
      readonly ports: readonly NamedPort[];
      labels(name: string, spec: Obj | undefined): Labels;
    }
  >
> = {
  // CloudNativePG's instances, with the inherited labels.
  Cluster: {
    group: "postgresql.cnpg.io",
    role: "data-service",
    ports: CNPG_INSTANCE_PORTS,
    labels: (name, spec) => ({
      ...stringMap(dig(spec, ["inheritedMetadata", "labels"])),
      [CNPG_CLUSTER_LABEL]: name,
      "cnpg.io/podRole": "instance",
    }),
  },
  // PgBouncer pods: with their cluster's label, as the instances.
  Pooler: {
    group: "postgresql.cnpg.io",
    role: "data-service",
    ports: POOLER_PORTS,
    labels: (name, spec) => {
      const cluster = dig(spec, ["cluster", "name"]);
      return {
        ...stringMap(dig(spec, ["template", "metadata", "labels"])),
        ...(typeof cluster === "string" ? { [CNPG_CLUSTER_LABEL]: cluster } : {}),
        "cnpg.io/poolerName": name,
        "cnpg.io/podRole": "pooler",
      };
    },
  },
  // The cluster operator's StatefulSet pods: its labels, and those of the override's pod template.
  RabbitmqCluster: {
    group: "rabbitmq.com",
    role: "queue",
    ports: RABBITMQ_PORTS,
    labels: (name, spec) => ({
      ...stringMap(dig(spec, ["override", "statefulSet", "spec", "template", "metadata", "labels"])),
      [LABEL.name]: name,
      ...RABBITMQ_LABELS,
    }),
  },
};
export const OPERATED_KINDS: readonly string[] = Object.keys(OPERATED);

export const PLATFORM_COMPONENT = {
  kubeDns: "kube-dns",
  rabbitmqTopologyOperator: "messaging-topology-operator",
  cnpgOperator: "cloudnative-pg",
  prometheus: "prometheus",
  keda: "keda-operator",
  ingressController: "ingress-nginx-controller",
  anyPod: "any-pod",
} as const;

/** Pod templates of the workload kinds, and the pods the operators make of their objects. */
export function workloadEndpoints(
  objects: readonly SourcedObject[],
  owners: ReadonlyMap<string, Scope>,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const source of objects) {
    const template = podTemplateOf(source.object);
    const namespace = source.object.metadata.namespace ?? "default";
    const owner = owners.get(namespace);
    if (template !== undefined) {
      const labels = stringMap((template.metadata as Obj | undefined)?.labels);
      out.push({
        ...identity(source, namespace),
        labels,
        ports: containerPorts(template.spec as Obj | undefined),
        role: roleOf(labels, owner),
        tenant: owner?.tenant?.name,
        zone: owner?.zone?.name,
        source,
      });
    } else {
      const operated = OPERATED[source.object.kind];
      if (operated === undefined || !source.object.apiVersion.startsWith(`${operated.group}/`)) continue;
      out.push({
        ...identity(source, namespace),
        labels: operated.labels(source.object.metadata.name, source.object.spec as Obj | undefined),
        ports: operated.ports,
        role: operated.role,
        tenant: owner?.tenant?.name,
        zone: owner?.zone?.name,
        source,
      });
    }
  }
  return out;
}

/** The cluster's components that tenants' policies name, as the addons run them. */
export function platformEndpoints(model: Model): Endpoint[] {
  const component = (namespace: string, name: string, labels: Labels, ports: NamedPort[] = []): Endpoint => ({
    id: `${namespace}/${name}[Pod]`,
    kind: "Pod",
    namespace,
    name,
    labels,
    ports,
    role: name === PLATFORM_COMPONENT.anyPod ? "other" : "platform",
    tenant: undefined,
    zone: undefined,
    source: undefined,
  });
  const dns = (protocol: Protocol, name: string): NamedPort => ({ name, port: 53, protocol });
  const out = [
    component(
      KUBE_DNS.namespace,
      PLATFORM_COMPONENT.kubeDns,
      { [KUBE_DNS.podLabel]: KUBE_DNS.podLabelValue },
      [dns("UDP", "dns"), dns("TCP", "dns-tcp")],
    ),
    component(ADDON_NAMESPACE.cnpg, PLATFORM_COMPONENT.cnpgOperator, { [LABEL.name]: "cloudnative-pg" }),
    component(ADDON_NAMESPACE.monitoring, PLATFORM_COMPONENT.prometheus, { [LABEL.name]: "prometheus" }),
    component(ADDON_NAMESPACE.keda, PLATFORM_COMPONENT.keda, {
      app: "keda-operator",
      [LABEL.name]: "keda-operator",
    }),
    component(ADDON_NAMESPACE.rabbitmq, PLATFORM_COMPONENT.rabbitmqTopologyOperator, {
      [LABEL.name]: "messaging-topology-operator",
    }),
    component("default", PLATFORM_COMPONENT.anyPod, {}),
  ];
  if (model.ingress.className !== "alb") {
    out.push(
      component(model.ingress.controllerNamespace, PLATFORM_COMPONENT.ingressController, {
        [LABEL.name]: "ingress-nginx",
        [LABEL.component]: "controller",
      }),
    );
  }
  return out;
}

/** Namespaces as the API server labels them: it always adds kubernetes.io/metadata.name. */
export function namespacesOf(
  objects: readonly SourcedObject[],
  endpoints: readonly Endpoint[],
): Map<string, Namespace> {
  const out = new Map<string, Namespace>();
  const add = (name: string, labels: Labels) =>
    out.set(name, { name, labels: { ...labels, [LABEL.namespaceName]: name } });
  for (const { object } of objects) {
    if (object.kind === "Namespace" && object.apiVersion === "v1")
      add(object.metadata.name, object.metadata.labels ?? {});
  }
  for (const e of endpoints) if (!out.has(e.namespace)) add(e.namespace, {});
  return out;
}

function identity(source: SourcedObject, namespace: string) {
  const { kind, metadata } = source.object;
  return { id: `${namespace}/${metadata.name}[${kind}]`, kind, namespace, name: metadata.name };
}

/** The product's pods carry its name; a tenant found by --tenancy has no product: none of its pods is an app. */
function roleOf(labels: Labels, owner: Scope | undefined): EndpointRole {
  const product = (owner?.tenant?.product as TenantModel["product"] | undefined)?.name;
  if (product !== undefined && labels[LABEL.name] === product) return "app";
  if (
    labels[LABEL.name] === REDIS_LABELS[LABEL.name] &&
    labels[LABEL.component] === REDIS_LABELS[LABEL.component]
  ) {
    return "queue";
  }
  return "other";
}

function dig(root: unknown, path: readonly string[]): unknown {
  let at = root;
  for (const key of path) at = typeof at === "object" && at !== null ? (at as Obj)[key] : undefined;
  return at;
}

function containerPorts(spec: Obj | undefined): NamedPort[] {
  const out: NamedPort[] = [];
  for (const list of [spec?.containers]) {
    for (const container of (Array.isArray(list) ? list : []) as Obj[]) {
      for (const port of (Array.isArray(container.ports) ? container.ports : []) as Obj[]) {
        if (typeof port.name === "string" && typeof port.containerPort === "number") {
          out.push({
            name: port.name,
            port: port.containerPort,
            protocol: ((port.protocol as string) ?? "TCP") as Protocol,
          });
        }
      }
    }
  }
  return out;
}

function stringMap(value: unknown): Labels {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, String(v)]));
}
