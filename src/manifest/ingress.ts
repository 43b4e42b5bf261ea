/**
 * What every Ingress of a tenant says to the controllers around it: ExternalDNS publishes its
 * hosts; on the AWS Load Balancer Controller it joins its zone's shared ALB (IngressGroup),
 * internet-facing for a customer-data zone and internal otherwise, HTTPS with TLS 1.2 or later
 * (the ALB finds each host's ACM certificate) and pods as targets; with cert-manager, the
 * issuer of its certificate.
 */
import { ingressGroupName } from "../model/names.js";
import type { Model, TenantModel } from "../model/resolve.js";

/** ALB's policy for TLS 1.3 and 1.2, nothing older. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export function ingressAnnotations(
  model: Model,
  tenant: TenantModel,
  hosts: readonly string[],
  options: {
    /** Port 80 answers with a redirect to 443 (otherwise the ALB listens on 443 alone). */
    readonly redirectHttp?: boolean;
    /** The ALB's health check path (its default is `/`). */
    readonly healthPath?: string;
  } = {},
): Record<string, string> {
  const { className, tls, clusterIssuer } = model.ingress;
  const annotations: Record<string, string> = {
    "external-dns.alpha.kubernetes.io/hostname": hosts.join(","),
  };
  if (className === "alb")
    Object.assign(annotations, {
      "alb.ingress.kubernetes.io/group.name": ingressGroupName(model.platform, tenant.zone.name),
      ...(options.healthPath === undefined
        ? {}
        : { "alb.ingress.kubernetes.io/healthcheck-path": options.healthPath }),
      "alb.ingress.kubernetes.io/listen-ports": options.redirectHttp
        ? '[{"HTTP":80},{"HTTPS":443}]'
        : '[{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/scheme": tenant.zone.customerData ? "internet-facing" : "internal",
      "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
      ...(options.redirectHttp ? { "alb.ingress.kubernetes.io/ssl-redirect": "443" } : {}),
      "alb.ingress.kubernetes.io/target-type": "ip",
    });
  if (tls === "cert-manager" && clusterIssuer !== undefined)
    annotations["cert-manager.io/cluster-issuer"] = clusterIssuer;
  return annotations;
}
