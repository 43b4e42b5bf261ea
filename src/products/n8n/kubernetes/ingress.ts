/**
 * One Ingress per tenant on its hostname. Production webhooks (`/webhook/`) go to the
 * webhook processors when there are any; test webhooks, the editor and the API go to main.
 * With the AWS Load Balancer Controller, all tenants of a zone share one ALB (IngressGroup),
 * internet-facing for a customer-data zone and internal otherwise, and the ALB finds each
 * hostname's ACM certificate. ExternalDNS publishes the hostname.
 */
import { N8N } from "../../../model/names.js";
import { ingressAnnotations } from "../../../manifest/ingress.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantMeta } from "../../../manifest/metadata.js";

export function renderIngress(model: Model, tenant: TenantModel): KubernetesObject {
  const { className, tls } = model.ingress;
  const annotations = ingressAnnotations(model, tenant, [tenant.hostname], {
    healthPath: "/healthz/readiness",
  });
  const backend = (service: string) => ({ service: { name: service, port: { name: "http" } } });
  const paths = [];
  if (tenant.settings.n8n.webhook.enabled) {
    paths.push({ backend: backend(N8N.roles.webhook), path: "/webhook/", pathType: "Prefix" });
  }
  paths.push({ backend: backend(N8N.roles.main), path: "/", pathType: "Prefix" });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: tenantMeta(tenant, N8N.ingress, { annotations }),
    spec: {
      ingressClassName: className,
      rules: [{ host: tenant.hostname, http: { paths } }],
      ...(tls === "cert-manager" ? { tls: [{ hosts: [tenant.hostname], secretName: N8N.tlsSecret }] } : {}),
    },
  };
}
