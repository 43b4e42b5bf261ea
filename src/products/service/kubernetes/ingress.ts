/**
 * One Ingress per tenant with every route of its components: each a host (the tenant's
 * hostname, or a label before it) and a path prefix. On the zone's shared ALB: HTTPS only
 * (port 80 answers with a redirect), TLS 1.2 or later, and ExternalDNS publishes every host.
 */
import { componentWorkload, routeHostname } from "../../../model/names.js";
import { ingressAnnotations } from "../../../manifest/ingress.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantMeta } from "../../../manifest/metadata.js";
import { componentSpec } from "./workloads.js";

export function renderComponentIngress(model: Model, tenant: TenantModel): KubernetesObject | undefined {
  const hosts = new Map<string, { path: string; service: string }[]>();
  for (const w of tenant.product.workloads) {
    for (const route of componentSpec(tenant, w.component).routes ?? []) {
      const host = route.host === undefined ? tenant.hostname : routeHostname(tenant.hostname, route.host);
      const paths = hosts.get(host) ?? [];
      paths.push({ path: route.path, service: componentWorkload(tenant.product.name, w.component) });
      hosts.set(host, paths);
    }
  }
  if (hosts.size === 0) return undefined;
  const names = [...hosts.keys()].sort();
  const { className, tls } = model.ingress;
  const annotations = ingressAnnotations(model, tenant, names, { redirectHttp: true });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: tenantMeta(tenant, tenant.product.name, { annotations }),
    spec: {
      ingressClassName: className,
      rules: names.map((host) => ({
        host,
        http: {
          // Longest prefix first: what a reader expects, whatever the controller's own order.
          paths: [...(hosts.get(host) ?? [])]
            .sort((a, b) => b.path.length - a.path.length || (a.path < b.path ? -1 : 1))
            .map(({ path, service }) => ({
              backend: { service: { name: service, port: { name: "http" } } },
              path,
              pathType: "Prefix",
            })),
        },
      })),
      ...(tls === "cert-manager"
        ? { tls: [{ hosts: names, secretName: `${tenant.product.name}-tls` }] }
        : {}),
    },
  };
}
