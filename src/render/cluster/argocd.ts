/**
 * The GitOps layer:
 * - AppProject `<platform>-platform`: the cluster layer and zone services, anywhere in the cluster;
 * - AppProject `<platform>-tenant-baselines`: tenant baselines, into tenant namespaces, with
 *   the Namespace as the only cluster-scoped kind;
 * - an AppProject per tenant: only the gitops repository, only the tenant's namespace on this
 *   cluster, no cluster-scoped kinds, and not the kinds that isolate it (quota, limits, network
 *   policies, RBAC), which the platform project delivers; roles for the tenant's admin groups;
 * - ApplicationSets (git directory generator over the rendered tree): per tenant its baseline
 *   (baseline project) and its n8n stack (its own project), and per zone its shared services;
 * - the root Application (app of apps) for clusters/<cluster>/, so the cluster layer is GitOps too.
 * Every Application syncs automatically with prune and self-heal, except on a production (or
 * manual) cluster, where it waits for someone to sync it (or for its sync windows); it retries
 * until the objects it depends on exist. One Argo CD per cluster, managing only its own cluster
 * (in-cluster): staging's Argo CD holds no credentials for production. Databases and keys
 * carry annotations that stop Argo CD pruning them.
 */
import {
  ARGOCD,
  applicationSetName,
  baselineProject,
  clusterApplication,
  clusterDirectory,
  inTree,
  LABEL,
  platformProject,
  tenantApplication,
  tenantBaselineApplication,
  tenantNamespace,
  tenantProject,
  zoneApplication,
  zoneDataNamespace,
} from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { PINNED } from "../../versions.js";
import { clusterMeta } from "./meta.js";

const ISOLATING_KINDS = [
  { group: "", kind: "ResourceQuota" },
  { group: "", kind: "LimitRange" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "rbac.authorization.k8s.io", kind: "Role" },
  { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
  // A policy naming another tenant's group would reach that tenant's RDS instance.
  { group: "vpcresources.k8s.aws", kind: "SecurityGroupPolicy" },
];

const SYNC_OPTIONS = ["ServerSideApply=true", "PruneLast=true", "FailOnSharedResource=true"];

/** As the cluster says; unsaid: manual in production, automatic elsewhere. */
export function syncMode(model: Model): "automatic" | "manual" {
  return model.cluster.sync ?? (model.cluster.production ? "manual" : "automatic");
}

/**
 * How every Application of the cluster syncs: automatically with prune and self-heal, or, on a
 * manual cluster, only when someone syncs (Argo CD still shows the drift). Retries either way
 * until the objects it depends on exist.
 */
export function syncPolicy(model: Model, extraOptions: readonly string[] = []) {
  return {
    ...(syncMode(model) === "automatic" ? { automated: { prune: true, selfHeal: true } } : {}),
    retry: { backoff: { duration: "10s", factor: 2, maxDuration: "5m" }, limit: 20 },
    syncOptions: [...SYNC_OPTIONS, ...extraOptions],
  };
}

/** The cluster's sync windows, on every project, for all of its applications. */
function syncWindows(model: Model): { syncWindows?: object[] } {
  const windows = model.cluster.syncWindows;
  if (windows === undefined || windows.length === 0) return {};
  return {
    syncWindows: windows.map((w) => ({
      applications: ["*"],
      duration: w.duration,
      kind: w.kind,
      manualSync: w.manualSync,
      schedule: w.schedule,
      timeZone: w.timeZone,
    })),
  };
}

export function helmRepositories(): string[] {
  return [...new Set(Object.values(PINNED.addons).map((a) => a.repoURL))].sort();
}

export function renderPlatformProject(model: Model): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: clusterMeta(model, platformProject(model.platform), ARGOCD.namespace),
    spec: {
      clusterResourceWhitelist: [{ group: "*", kind: "*" }],
      description: "The platform: cluster layer, add-ons and zone services (clusters/ and zones/ only).",
      destinations: [{ namespace: "*", server: ARGOCD.inCluster }],
      sourceRepos: [model.gitops.repoURL, ...helmRepositories()],
      ...syncWindows(model),
    },
  };
}

/**
 * Tenant baselines (quota, limits, policies, RBAC) come from tenants/<t>/platform. Their project
 * may create one cluster-scoped kind, the tenant's Namespace, and deploy only into tenant
 * namespaces: a ClusterRoleBinding or webhook slipped into a tenant's directory is refused by
 * Argo CD itself, not only reported by verify.
 */
export function renderBaselineProject(model: Model): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: clusterMeta(model, baselineProject(model.platform), ARGOCD.namespace),
    spec: {
      clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
      description: "Tenant baselines: each tenant's Namespace, quota, limits, network policies and RBAC.",
      destinations: model.tenants.map((t) => ({ namespace: t.namespace, server: ARGOCD.inCluster })),
      sourceRepos: [model.gitops.repoURL],
      ...syncWindows(model),
    },
  };
}

export function renderTenantProject(model: Model, tenant: TenantModel): KubernetesObject {
  const project = tenantProject(tenant.name);
  const policy = (action: string) => `p, proj:${project}:admin, applications, ${action}, ${project}/*, allow`;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: {
      ...clusterMeta(model, project, ARGOCD.namespace),
      labels: {
        ...clusterMeta(model, project).labels,
        [LABEL.tenant]: tenant.name,
        [LABEL.zone]: tenant.zone.name,
      },
    },
    spec: {
      clusterResourceWhitelist: [],
      description: `Tenant ${tenant.name} (zone ${tenant.zone.name}): its ${tenant.product.name} stack, in its namespace only.`,
      destinations: [{ namespace: tenant.namespace, server: ARGOCD.inCluster }],
      namespaceResourceBlacklist: ISOLATING_KINDS,
      orphanedResources: { warn: true },
      roles:
        tenant.settings.admins.length === 0
          ? []
          : [
              {
                description: `Admins of tenant ${tenant.name}: see and sync its applications, nothing else.`,
                groups: [...tenant.settings.admins].sort(),
                name: "admin",
                policies: [policy("get"), policy("sync")],
              },
            ],
      sourceRepos: [model.gitops.repoURL],
      ...syncWindows(model),
    },
  };
}

function directoryGenerator(model: Model, pattern: string) {
  return {
    git: {
      directories: [{ path: `${model.gitops.path}/${inTree(model.treeRoot, pattern)}` }],
      repoURL: model.gitops.repoURL,
      revision: model.gitops.targetRevision,
    },
  };
}

function applicationSet(
  model: Model,
  name: string,
  pattern: string,
  template: { name: string; project: string; path: string; namespace: string },
): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: clusterMeta(model, name, ARGOCD.namespace),
    spec: {
      generators: [directoryGenerator(model, pattern)],
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: { labels: clusterMeta(model, "x").labels ?? {}, name: template.name },
        spec: {
          destination: { namespace: template.namespace, server: ARGOCD.inCluster },
          project: template.project,
          source: {
            // Recursive, like the root application: subdirectories are applied too, and
            // verify reads them too (what verify judges is what Argo CD applies).
            directory: { recurse: true },
            path: template.path,
            repoURL: model.gitops.repoURL,
            targetRevision: model.gitops.targetRevision,
          },
          syncPolicy: syncPolicy(model),
        },
      },
    },
  };
}

/**
 * The templates use the same name functions as everything else, given the tenant or zone as a
 * template expression: the directory's name, or for a product's stack (`tenants/<t>/<product>`)
 * the name of the directory above it. One application set per product in use, so that each
 * generates applications only for the tenants that run it.
 */
export function renderApplicationSets(model: Model): KubernetesObject[] {
  const base = "{{ .path.basename }}";
  const tenantAbove = "{{ index .path.segments (sub (len .path.segments) 2) }}";
  const products = [...new Set(model.tenants.map((t) => t.product.name))].sort();
  return [
    applicationSet(model, applicationSetName(model.platform, "tenant-baselines"), "tenants/*", {
      name: tenantBaselineApplication(base),
      project: baselineProject(model.platform),
      path: "{{ .path.path }}/platform",
      namespace: tenantNamespace(base),
    }),
    ...products.map((product) =>
      applicationSet(model, applicationSetName(model.platform, `tenant-${product}`), `tenants/*/${product}`, {
        name: tenantApplication(tenantAbove),
        project: tenantProject(tenantAbove),
        path: "{{ .path.path }}",
        namespace: tenantNamespace(tenantAbove),
      }),
    ),
    applicationSet(model, applicationSetName(model.platform, "zone-services"), "zones/*", {
      name: zoneApplication(base),
      project: platformProject(model.platform),
      path: "{{ .path.path }}",
      namespace: zoneDataNamespace(base),
    }),
  ];
}

export function renderRootApplication(model: Model): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: clusterMeta(model, clusterApplication(model.cluster.name), ARGOCD.namespace),
    spec: {
      destination: { namespace: ARGOCD.namespace, server: ARGOCD.inCluster },
      project: platformProject(model.platform),
      source: {
        directory: { recurse: true },
        path: `${model.gitops.path}/${clusterDirectory(model.cluster.name, model.treeRoot)}`,
        repoURL: model.gitops.repoURL,
        targetRevision: model.gitops.targetRevision,
      },
      syncPolicy: syncPolicy(model),
    },
  };
}
