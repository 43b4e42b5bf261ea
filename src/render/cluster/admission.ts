/**
 * Admission policies that enforce zones and tenants in the API server itself, in-tree
 * (ValidatingAdmissionPolicy, no add-on needed), each also as a Kyverno ClusterPolicy when the
 * Kyverno add-on is on. Both are generated from one definition, so their CEL is the same.
 *
 * 1. secret-store-zone: an ExternalSecret reads only its own zone's ClusterSecretStore and, in
 *    a tenant namespace, only the tenant's own `<zone>/<tenant>/` paths (no `find`).
 * 2. tenant-workloads: no LoadBalancer/NodePort Service; a pod tolerates, selects or is pinned to
 *    no node pool but its tenant's and the node classes its components use (database and
 *    RabbitMQ pods: also the database pool).
 * 3. namespace-labels: tenant, zone, node-pool and Pod Security labels of a namespace change
 *    only by the platform (tenantctl apply as cluster admin, or Argo CD).
 * 4. internal-egress-<zone>: a NetworkPolicy in a zone without customer data allows no egress to
 *    the zone's denied networks (customer data), unless the platform writes it.
 * 5. database-identity: in a tenant namespace only CloudNativePG runs pods as a database
 *    server's service account, which EKS Pod Identity binds to the server's backup role; a
 *    tenant's own pod, Deployment or Job naming it would borrow that role.
 */
import {
  ARGOCD,
  CNPG_CLUSTER_LABEL,
  LABEL,
  NAMESPACE_CLASS_POOLS_LABEL,
  NAMESPACE_DATABASE_POOL_LABEL,
  NAMESPACE_POOL_LABEL,
  NODE_POOL,
  RABBITMQ_LABELS,
  POD_SECURITY,
  admissionPolicyName,
  zoneSecretStorePrefix,
} from "../../model/names.js";
import type { Model, ZoneModel } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { PINNED } from "../../versions.js";
import { clusterMeta } from "./meta.js";

interface PolicyDefinition {
  readonly name: string;
  readonly resources: readonly { group: string; resource: string; kind: string; operations: string[] }[];
  readonly namespaceSelector?: Record<string, unknown>;
  readonly platformExempt: boolean;
  readonly variables: readonly { name: string; expression: string }[];
  readonly validations: readonly { expression: string; message: string }[];
}

const PLATFORM_EXEMPT = `!(has(request.userInfo.groups) && 'system:masters' in request.userInfo.groups) && request.userInfo.username != '${ARGOCD.controllerServiceAccount}'`;
const label = (key: string, fallback: string) =>
  `has(namespaceObject.metadata.labels) && '${key}' in namespaceObject.metadata.labels ? namespaceObject.metadata.labels['${key}'] : '${fallback}'`;

export function policyDefinitions(model: Model): PolicyDefinition[] {
  const definitions: PolicyDefinition[] = [
    secretStoreZone(model),
    tenantWorkloads(model),
    namespaceLabels(model),
    databaseIdentity(model),
  ];
  for (const zone of model.zones.filter((z) => !z.customerData && z.deniedEgressCidrs.length > 0)) {
    definitions.push(internalEgress(model, zone));
  }
  return definitions;
}

/** Policies select the namespaces of their own platform: two platforms on one cluster never judge each other's. */
const ownPlatform = (model: Model) => ({ [LABEL.platform]: model.platform });

function secretStoreZone(model: Model): PolicyDefinition {
  const isCss = (ref: string) => `has(${ref}.kind) && ${ref}.kind == 'ClusterSecretStore'`;
  return {
    name: admissionPolicyName(model.platform, "secret-store-zone"),
    resources: [
      {
        group: "external-secrets.io",
        resource: "externalsecrets",
        kind: "ExternalSecret",
        operations: ["CREATE", "UPDATE"],
      },
    ],
    namespaceSelector: {
      matchExpressions: [{ key: LABEL.zone, operator: "Exists" }],
      matchLabels: ownPlatform(model),
    },
    platformExempt: false,
    variables: [
      { name: "zone", expression: label(LABEL.zone, "") },
      { name: "tenant", expression: label(LABEL.tenant, "") },
      { name: "store", expression: `'${zoneSecretStorePrefix(model.platform)}' + variables.zone` },
      { name: "prefix", expression: "variables.zone + '/' + variables.tenant + '/'" },
    ],
    validations: [
      {
        expression: `!has(object.spec.secretStoreRef) || !(${isCss("object.spec.secretStoreRef")}) || object.spec.secretStoreRef.name == variables.store`,
        message: "an ExternalSecret may read only the ClusterSecretStore of its own zone",
      },
      {
        expression: `!has(object.spec.dataFrom) || object.spec.dataFrom.all(d, !has(d.sourceRef) || !has(d.sourceRef.storeRef) || !(${isCss("d.sourceRef.storeRef")}) || d.sourceRef.storeRef.name == variables.store)`,
        message: "an ExternalSecret may read only the ClusterSecretStore of its own zone",
      },
      {
        expression:
          "variables.tenant == '' || !has(object.spec.data) || object.spec.data.all(d, d.remoteRef.key.startsWith(variables.prefix))",
        message: "a tenant's ExternalSecret may read only its own secrets (<zone>/<tenant>/...)",
      },
      {
        expression:
          "variables.tenant == '' || !has(object.spec.dataFrom) || object.spec.dataFrom.all(d, !has(d.find) && (!has(d.extract) || d.extract.key.startsWith(variables.prefix)))",
        message:
          "a tenant's ExternalSecret may read only its own secrets (<zone>/<tenant>/...), and may not search",
      },
    ],
  };
}

function tenantWorkloads(model: Model): PolicyDefinition {
  const pool = NODE_POOL.key;
  const isPod = "object.kind == 'Pod'";
  return {
    name: admissionPolicyName(model.platform, "tenant-workloads"),
    resources: [
      { group: "", resource: "pods", kind: "Pod", operations: ["CREATE", "UPDATE"] },
      { group: "", resource: "services", kind: "Service", operations: ["CREATE", "UPDATE"] },
    ],
    namespaceSelector: {
      matchExpressions: [{ key: LABEL.tenant, operator: "Exists" }],
      matchLabels: ownPlatform(model),
    },
    platformExempt: false,
    variables: [
      { name: "pool", expression: label(NAMESPACE_POOL_LABEL, NODE_POOL.general) },
      { name: "databasePool", expression: label(NAMESPACE_DATABASE_POOL_LABEL, NODE_POOL.database) },
      // Node classes beyond the main pool, "."-joined (pool names are DNS labels: no dots).
      {
        name: "classPools",
        expression: `has(namespaceObject.metadata.labels) && '${NAMESPACE_CLASS_POOLS_LABEL}' in namespaceObject.metadata.labels ? namespaceObject.metadata.labels['${NAMESPACE_CLASS_POOLS_LABEL}'].split('.') : []`,
      },
      {
        name: "dataServer",
        expression: `${isPod} && has(object.metadata.labels) && ('${CNPG_CLUSTER_LABEL}' in object.metadata.labels || ('${LABEL.partOf}' in object.metadata.labels && object.metadata.labels['${LABEL.partOf}'] == '${RABBITMQ_LABELS[LABEL.partOf]}'))`,
      },
      {
        name: "allowed",
        expression:
          "[variables.pool] + variables.classPools + (variables.dataServer ? [variables.databasePool] : [])",
      },
    ],
    validations: [
      {
        expression:
          "object.kind != 'Service' || !has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])",
        message: "tenants are reached through the shared ingress only: no LoadBalancer or NodePort Service",
      },
      {
        expression: `!(${isPod}) || !has(object.spec.tolerations) || object.spec.tolerations.all(t, has(t.key) && t.key != '' ? (t.key != '${pool}' || (has(t.value) && t.value in variables.allowed)) : !(has(t.operator) && t.operator == 'Exists'))`,
        message: "a pod may tolerate only its own tenant's node pool",
      },
      {
        expression: `!(${isPod}) || !has(object.spec.nodeSelector) || !('${pool}' in object.spec.nodeSelector) || object.spec.nodeSelector['${pool}'] in variables.allowed`,
        message: "a pod may select only its own tenant's node pool",
      },
      {
        expression: `!(${isPod}) || !has(object.spec.affinity) || !has(object.spec.affinity.nodeAffinity) || !has(object.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution) || object.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.all(term, !has(term.matchExpressions) || term.matchExpressions.all(e, e.key != '${pool}' || (e.operator == 'In' && has(e.values) && e.values.all(v, v in variables.allowed))))`,
        message: "a pod may require only its own tenant's node pool",
      },
      {
        expression: `!(${isPod}) || request.operation != 'CREATE' || !has(object.spec.nodeName) || object.spec.nodeName == ''`,
        message: "a tenant pod may not name its node (that would bypass the node pools' taints)",
      },
    ],
  };
}

/** The controllers that make pods (or ReplicaSets, Jobs) from templates admitted before. */
const TEMPLATE_CONTROLLERS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["replicaset-controller", "statefulset-controller", "job-controller", "daemon-set-controller"],
  ReplicaSet: ["deployment-controller"],
  Job: ["cronjob-controller"],
};

function databaseIdentity(model: Model): PolicyDefinition {
  const accounts = [...new Set(model.tenants.map((t) => t.data.databaseCluster))].sort();
  const operator = `system:serviceaccount:${PINNED.addons.cloudnativePg.namespace}:${PINNED.addons.cloudnativePg.chart}`;
  const account = (spec: string) =>
    `has(${spec}.serviceAccountName) ? ${spec}.serviceAccountName : (has(${spec}.serviceAccount) ? ${spec}.serviceAccount : '')`;
  const controllers = Object.entries(TEMPLATE_CONTROLLERS)
    .map(
      ([kind, names]) =>
        `(object.kind == '${kind}' && request.userInfo.username in [${names.map((n) => `'system:serviceaccount:kube-system:${n}'`).join(", ")}])`,
    )
    .join(" || ");
  const workload = (group: string, resource: string, kind: string) => ({
    group,
    resource,
    kind,
    operations: ["CREATE", "UPDATE"],
  });
  return {
    name: admissionPolicyName(model.platform, "database-identity"),
    resources: [
      workload("", "pods", "Pod"),
      workload("apps", "deployments", "Deployment"),
      workload("apps", "replicasets", "ReplicaSet"),
      workload("apps", "statefulsets", "StatefulSet"),
      workload("apps", "daemonsets", "DaemonSet"),
      workload("batch", "jobs", "Job"),
      workload("batch", "cronjobs", "CronJob"),
    ],
    namespaceSelector: {
      matchExpressions: [{ key: LABEL.tenant, operator: "Exists" }],
      matchLabels: ownPlatform(model),
    },
    platformExempt: true,
    variables: [
      { name: "accounts", expression: `[${accounts.map((a) => `'${a}'`).join(", ")}]` },
      {
        name: "account",
        expression: `object.kind == 'Pod' ? (${account("object.spec")}) : object.kind == 'CronJob' ? (${account("object.spec.jobTemplate.spec.template.spec")}) : (${account("object.spec.template.spec")})`,
      },
    ],
    validations: [
      {
        expression: `!(variables.account in variables.accounts) || request.userInfo.username == '${operator}' || ${controllers}`,
        message:
          "only CloudNativePG runs pods as a database server's service account (it carries the server's backup role)",
      },
    ],
  };
}

export const PROTECTED_NAMESPACE_LABELS = [
  LABEL.tenant,
  LABEL.zone,
  NAMESPACE_POOL_LABEL,
  NAMESPACE_DATABASE_POOL_LABEL,
  NAMESPACE_CLASS_POOLS_LABEL,
  POD_SECURITY.enforce,
  POD_SECURITY.enforceVersion,
  POD_SECURITY.audit,
  POD_SECURITY.warn,
] as const;

function namespaceLabels(model: Model): PolicyDefinition {
  const keys = `[${PROTECTED_NAMESPACE_LABELS.map((k) => `'${k}'`).join(", ")}]`;
  const hasIn = (o: string, k: string) => `(has(${o}.metadata.labels) && ${k} in ${o}.metadata.labels)`;
  return {
    name: admissionPolicyName(model.platform, "namespace-labels"),
    resources: [{ group: "", resource: "namespaces", kind: "Namespace", operations: ["CREATE", "UPDATE"] }],
    platformExempt: true,
    variables: [{ name: "keys", expression: keys }],
    validations: [
      {
        expression: `request.operation != 'CREATE' || !variables.keys.exists(k, ${hasIn("object", "k")})`,
        message: "only the platform creates namespaces with tenantctl's tenant, zone and Pod Security labels",
      },
      {
        expression: `request.operation != 'UPDATE' || variables.keys.all(k, ${hasIn("oldObject", "k")} == ${hasIn("object", "k")} && (!${hasIn("oldObject", "k")} || oldObject.metadata.labels[k] == object.metadata.labels[k]))`,
        message:
          "the tenant, zone, node-pool and Pod Security labels of a namespace are changed only by the platform",
      },
    ],
  };
}

function internalEgress(model: Model, zone: ZoneModel): PolicyDefinition {
  const denied = `[${zone.deniedEgressCidrs.map((c) => `'${c}'`).join(", ")}]`;
  const sameFamily = "cidr(d).ip().family() == cidr(peer.ipBlock.cidr).ip().family()";
  const overlaps = `${sameFamily} && (cidr(d).containsCIDR(peer.ipBlock.cidr) || (cidr(peer.ipBlock.cidr).containsCIDR(d) && !(has(peer.ipBlock.except) && peer.ipBlock.except.exists(e, cidr(e).containsCIDR(d)))))`;
  return {
    name: admissionPolicyName(model.platform, `internal-egress-${zone.name}`),
    resources: [
      {
        group: "networking.k8s.io",
        resource: "networkpolicies",
        kind: "NetworkPolicy",
        operations: ["CREATE", "UPDATE"],
      },
    ],
    namespaceSelector: { matchLabels: { [LABEL.zone]: zone.name, ...ownPlatform(model) } },
    platformExempt: true,
    variables: [{ name: "denied", expression: denied }],
    validations: [
      {
        expression:
          "!has(object.spec.egress) || object.spec.egress.all(rule, has(rule.to) && size(rule.to) > 0)",
        message: `zone ${zone.name} holds no customer data: an egress rule must name its destinations (an empty "to" allows customer-data networks)`,
      },
      {
        expression: `!has(object.spec.egress) || object.spec.egress.all(rule, !has(rule.to) || rule.to.all(peer, !has(peer.ipBlock) || !variables.denied.exists(d, ${overlaps})))`,
        message: `zone ${zone.name} holds no customer data: no egress to ${zone.deniedEgressCidrs.join(", ")}`,
      },
    ],
  };
}

export function renderAdmissionPolicies(model: Model): KubernetesObject[] {
  const kyverno = model.addons.some((a) => a.name === "kyverno");
  return policyDefinitions(model).flatMap((p) => [
    renderPolicy(model, p),
    renderBinding(model, p),
    ...(kyverno ? [renderKyvernoPolicy(model, p)] : []),
  ]);
}

function renderPolicy(model: Model, p: PolicyDefinition): KubernetesObject {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: clusterMeta(model, p.name),
    spec: {
      failurePolicy: "Fail",
      ...(p.platformExempt
        ? { matchConditions: [{ expression: PLATFORM_EXEMPT, name: "not-the-platform" }] }
        : {}),
      matchConstraints: {
        resourceRules: p.resources.map((r) => ({
          apiGroups: [r.group],
          apiVersions: ["*"],
          operations: r.operations,
          resources: [r.resource],
        })),
      },
      validations: p.validations.map((v) => ({
        expression: v.expression,
        message: v.message,
        reason: "Forbidden",
      })),
      variables: p.variables,
    },
  };
}

function renderBinding(model: Model, p: PolicyDefinition): KubernetesObject {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: clusterMeta(model, p.name),
    spec: {
      ...(p.namespaceSelector === undefined
        ? {}
        : { matchResources: { namespaceSelector: p.namespaceSelector } }),
      policyName: p.name,
      validationActions: ["Deny"],
    },
  };
}

/** The same policy as a Kyverno ClusterPolicy with CEL rules (for Policy Reporter's reports). */
function renderKyvernoPolicy(model: Model, p: PolicyDefinition): KubernetesObject {
  const kind = (r: PolicyDefinition["resources"][number]) =>
    r.group === "" ? r.kind : `${r.group}/*/${r.kind}`;
  return {
    apiVersion: "kyverno.io/v1",
    kind: "ClusterPolicy",
    metadata: clusterMeta(model, p.name, undefined, {
      "policies.kyverno.io/description": `Kyverno twin of the ValidatingAdmissionPolicy ${p.name}.`,
    }),
    spec: {
      background: true,
      rules: [
        {
          ...(p.platformExempt
            ? {
                exclude: {
                  any: [
                    {
                      subjects: [
                        { kind: "Group", name: "system:masters" },
                        {
                          kind: "ServiceAccount",
                          name: "argocd-application-controller",
                          namespace: ARGOCD.namespace,
                        },
                      ],
                    },
                  ],
                },
              }
            : {}),
          match: {
            any: [
              {
                resources: {
                  kinds: p.resources.map(kind),
                  operations: [...new Set(p.resources.flatMap((r) => r.operations))],
                  ...(p.namespaceSelector === undefined ? {} : { namespaceSelector: p.namespaceSelector }),
                },
              },
            ],
          },
          name: "cel",
          validate: {
            cel: {
              expressions: p.validations.map((v) => ({ expression: v.expression, message: v.message })),
              variables: p.variables,
            },
            failureAction: "Enforce",
          },
        },
      ],
    },
  };
}
