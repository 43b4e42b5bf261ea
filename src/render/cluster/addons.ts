/**
 * Add-ons as Argo CD Applications of upstream Helm charts at the versions pinned in
 * src/versions.json, with tenantctl's values (the user's `addons.<name>.values` merged over
 * them). Add-ons sync in an early wave, before anything that needs their CRDs.
 *
 * The RabbitMQ operators publish no Helm chart (Bitnami's wrapper is retired and its images
 * are gone): they come from the kustomize bases in their repositories at the release tags
 * whose CRDs tenantctl checks against (vendor/crds/), which take no values.
 */
import {
  ARGOCD,
  AWS_IDENTITY_ADDONS,
  addonServiceAccount,
  karpenterInterruptionQueue,
  LABEL,
  NODE_POOL,
  platformProject,
} from "../../model/names.js";
import type { AddonModel, Model } from "../../model/resolve.js";
import type { AddonName } from "../../input/schema.js";
import { PINNED } from "../../versions.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { clusterMeta } from "./meta.js";
import { syncPolicy } from "./argocd.js";
import { logAgentConfig } from "./observability/log-agent.js";

type Values = Record<string, unknown>;

function defaultValues(model: Model, name: AddonName): Values {
  const cluster = model.cluster;
  const onGeneral = { nodeSelector: { [NODE_POOL.key]: NODE_POOL.general } };
  switch (name) {
    case "cloudnativePg":
      return { ...onGeneral, monitoring: { podMonitorEnabled: false } };
    case "keda":
      return { ...onGeneral };
    case "karpenter":
      return {
        controller: {
          resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "250m", memory: "512Mi" } },
        },
        settings: { clusterName: cluster.name, interruptionQueue: karpenterInterruptionQueue(cluster.name) },
        // Karpenter must not run on nodes it manages: the cluster's managed node group "system".
        nodeSelector: { "eks.amazonaws.com/nodegroup": "system" },
      };
    case "externalSecrets":
      return { ...onGeneral, installCRDs: true };
    case "externalDns":
      return {
        ...onGeneral,
        domainFilters: [cluster.domain],
        policy: "upsert-only",
        provider: { name: "aws" },
        sources: ["ingress"],
        txtOwnerId: cluster.name,
      };
    case "certManager":
      return { ...onGeneral, crds: { enabled: true } };
    case "awsLoadBalancerController":
      return { ...onGeneral, clusterName: cluster.name, region: cluster.region };
    case "kyverno":
      return { admissionController: { replicas: 3 } };
    case "policyReporter":
      return { ui: { enabled: true } };
    case "kubePrometheusStack":
      return {
        // Every tenant's AlertmanagerConfig, each confined to its own namespace's alerts.
        alertmanager: {
          alertmanagerSpec: {
            alertmanagerConfigMatcherStrategy: { type: "OnNamespace" },
            alertmanagerConfigNamespaceSelector: {},
            alertmanagerConfigSelector: {},
          },
        },
        // Each tenant has a Grafana of its own (tenantctl renders it); the chart's would read everything.
        grafana: { enabled: false },
        prometheus: {
          prometheusSpec: {
            // Pick up every tenant's ServiceMonitor and PrometheusRule, not only the chart's.
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            serviceMonitorSelectorNilUsesHelmValues: false,
          },
        },
      };
    case "loki":
      return {
        deploymentMode: "SingleBinary",
        loki: { auth_enabled: true, commonConfig: { replication_factor: 1 } },
      };
    case "fluentBit":
      return { config: logAgentConfig(model) };
    // Kustomize bases from the release tags (no chart of their own): nothing to set.
    case "rabbitmqClusterOperator":
    case "rabbitmqTopologyOperator":
      return {};
  }
}

export function renderAddons(model: Model): KubernetesObject[] {
  return model.addons.map((addon) => renderAddon(model, addon));
}

function renderAddon(model: Model, addon: AddonModel): KubernetesObject {
  const pin = PINNED.addons[addon.name];
  // The AWS layer binds each add-on's IAM role to this service account (EKS Pod Identity).
  const identity = AWS_IDENTITY_ADDONS.includes(addon.name)
    ? { serviceAccount: { name: addonServiceAccount(addon.name) } }
    : {};
  const values = merge({ ...defaultValues(model, addon.name), ...identity }, addon.values);
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      ...clusterMeta(model, `addon-${pin.chart}`, ARGOCD.namespace, {
        "argocd.argoproj.io/sync-wave": "-30",
      }),
      labels: { ...clusterMeta(model, "x").labels, [LABEL.component]: "addon" },
    },
    spec: {
      destination: { namespace: pin.namespace, server: ARGOCD.inCluster },
      project: platformProject(model.platform),
      source:
        "path" in pin
          ? { path: pin.path, repoURL: pin.repoURL, targetRevision: pin.version }
          : {
              chart: pin.chart,
              helm: { releaseName: pin.chart, valuesObject: values },
              repoURL: pin.repoURL,
              targetRevision: pin.version,
            },
      syncPolicy: syncPolicy(model, ["CreateNamespace=true"]),
    },
  };
}

function merge(base: Values, override: Readonly<Values>): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
