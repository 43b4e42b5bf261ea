/**
 * The network of the observability namespace, past its default deny: users (through the load
 * balancer) reach each Grafana; a Grafana only its own tenant's metrics proxy, Loki's gateway
 * and the identity provider; a proxy only Prometheus.
 */
import type { KubernetesObject } from "../../../manifest/object.js";
import {
  ADDON_NAMESPACE,
  LABEL,
  OBSERVABILITY,
  tenantGrafana,
  tenantMetricsProxy,
} from "../../../model/names.js";
import type { Model } from "../../../model/resolve.js";
import { publicInternet } from "../../kubernetes/cidr.js";
import { allowFromNamespace } from "../../kubernetes/stack-network.js";
import { COMPONENT, observabilityMeta } from "./meta.js";

/** The Loki gateway's pods listen on 8080 behind its Service's port 80. */
const LOKI_GATEWAY_POD_PORT = 8080;
const PROMETHEUS_POD_PORT = 9090;

export function renderNamespacePolicies(model: Model): KubernetesObject[] {
  const policy = (name: string, spec: Record<string, unknown>): KubernetesObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: observabilityMeta(model, name),
    spec,
  });
  const ingressSources =
    model.ingress.className === "alb"
      ? (model.cluster.loadBalancerSubnets ?? [model.cluster.vpcCidr]).map((cidr) => ({ ipBlock: { cidr } }))
      : [allowFromNamespace(model.ingress.controllerNamespace)];
  const grafanaPods = { matchLabels: { [LABEL.component]: COMPONENT.grafana } };
  return [
    policy("grafana", {
      egress: [
        {
          ports: [{ port: LOKI_GATEWAY_POD_PORT, protocol: "TCP" }],
          to: [allowFromNamespace(ADDON_NAMESPACE.monitoring, { "app.kubernetes.io/component": "gateway" })],
        },
        // The identity provider's token and userinfo endpoints, on the internet.
        { ports: [{ port: 443, protocol: "TCP" }], to: publicInternet([]) },
      ],
      ingress: [{ from: ingressSources, ports: [{ port: OBSERVABILITY.grafanaPort, protocol: "TCP" }] }],
      podSelector: grafanaPods,
      policyTypes: ["Ingress", "Egress"],
    }),
    // Each tenant's Grafana to its own proxy only: one policy per tenant.
    ...model.tenants.map((tenant) =>
      policy(`${tenantMetricsProxy(tenant.name)}`, {
        egress: [
          {
            ports: [{ port: PROMETHEUS_POD_PORT, protocol: "TCP" }],
            to: [allowFromNamespace(ADDON_NAMESPACE.monitoring, { "app.kubernetes.io/name": "prometheus" })],
          },
        ],
        ingress: [
          {
            from: [
              {
                podSelector: {
                  matchLabels: { [LABEL.component]: COMPONENT.grafana, [LABEL.tenant]: tenant.name },
                },
              },
            ],
            ports: [{ port: OBSERVABILITY.labelProxyPort, protocol: "TCP" }],
          },
        ],
        podSelector: {
          matchLabels: { [LABEL.component]: COMPONENT.metricsProxy, [LABEL.tenant]: tenant.name },
        },
        policyTypes: ["Ingress", "Egress"],
      }),
    ),
    // And each Grafana's egress to its own proxy (egress is per source).
    ...model.tenants.map((tenant) =>
      policy(`${tenantGrafana(tenant.name)}-to-proxy`, {
        egress: [
          {
            ports: [{ port: OBSERVABILITY.labelProxyPort, protocol: "TCP" }],
            to: [
              {
                podSelector: {
                  matchLabels: { [LABEL.component]: COMPONENT.metricsProxy, [LABEL.tenant]: tenant.name },
                },
              },
            ],
          },
        ],
        podSelector: { matchLabels: { [LABEL.component]: COMPONENT.grafana, [LABEL.tenant]: tenant.name } },
        policyTypes: ["Egress"],
      }),
    ),
  ];
}
