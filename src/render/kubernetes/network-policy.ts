import { BASELINE, KUBE_DNS, LABEL } from "../../model/names.js";
import type { KubernetesObject, ObjectMeta } from "../../manifest/object.js";

/**
 * The network baseline of a namespace (a tenant's, a zone's): nothing in or out, for every pod, except DNS lookups
 * to kube-dns. Every other allowance is a separate, named policy that verify can explain.
 */
export function renderDefaultDeny(meta: (name: string) => ObjectMeta): KubernetesObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(BASELINE.defaultDeny),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

export function renderAllowDns(meta: (name: string) => ObjectMeta): KubernetesObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(BASELINE.allowDns),
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
