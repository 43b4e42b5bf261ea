import { BASELINE, KUBE_DNS, LABEL } from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";
import { type KubernetesObject, tenantMeta } from "./object.js";

/**
 * The network baseline of a tenant: nothing in or out, for every pod, except DNS lookups
 * to kube-dns. Every other allowance is a separate, named policy that verify can explain.
 */
export function renderDefaultDeny(tenant: TenantModel): KubernetesObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: tenantMeta(tenant, BASELINE.defaultDeny),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

export function renderAllowDns(tenant: TenantModel): KubernetesObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: tenantMeta(tenant, BASELINE.allowDns),
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [LABEL.namespaceName]: KUBE_DNS.namespace } },
              podSelector: { matchLabels: { [KUBE_DNS.podLabel]: KUBE_DNS.podLabelValue } },
            },
          ],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
      ],
    },
  };
}
