/**
 * A Grafana per tenant, in the platform's namespace `observability-<platform>`: its dashboards in one
 * folder named after the tenant, and two datasources that can only read the tenant's own data:
 * - metrics through a prom-label-proxy of its own, fixed to `namespace="<tenant's>"` (every
 *   query, series and label lookup is rewritten to that matcher: the proxy takes no value from
 *   the request);
 * - logs from Loki as the tenant's Loki tenant (X-Scope-OrgID: its namespace).
 *
 * Why an instance per tenant and not folder permissions or orgs: Grafana OSS grants datasources
 * to a whole org (datasource permissions are Enterprise), so one shared org with per-tenant
 * folders lets any viewer query every tenant's datasource from Explore; orgs cannot be
 * provisioned from Git, and the Grafana operator declines to manage them. Sign-in is the
 * identity provider's only (no local accounts, no admin user): the tenant's admins get
 * Editor, its viewers Viewer, the platform groups Admin, anyone else is refused. Nobody in a
 * tenant's groups can edit a datasource (that takes Admin), and the datasources live in
 * ConfigMaps of a namespace the tenant's RBAC does not reach.
 */
import {
  LABEL,
  metricsProxyUrl,
  OBSERVABILITY,
  observabilityNamespace,
  PROMETHEUS_SERVER,
  tenantGrafana,
  tenantMetricsProxy,
} from "../../../model/names.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import {
  containerResources,
  emptyDir,
  placementFields,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
} from "../../../manifest/pod.js";
import { placement } from "../../../model/scheduling.js";
import { OBSERVABILITY_RESOURCES } from "../../../model/footprint.js";
import { managedLabels } from "../../../manifest/metadata.js";
import { emitYaml } from "../../../manifest/yaml-emitter.js";
import { restrictedNamespace } from "../../kubernetes/namespace.js";
import { renderAllowDns, renderDefaultDeny } from "../../kubernetes/network-policy.js";
import { renderNamespacePolicies } from "./network.js";
import { COMPONENT, observabilityMeta } from "./meta.js";
import { ingressAnnotations } from "../../../manifest/ingress.js";
import { DATASOURCE, tenantDashboard, tenantUid } from "./dashboard.js";
import type { DashboardRow } from "../../../products/contract/builders.js";

const GRAFANA_UID = 472;
const PROXY_UID = 65534;

/** The provisioning file of a tenant's datasources, as Grafana reads it. */
export function datasourcesFile(tenant: TenantModel): Record<string, unknown> {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        access: "proxy",
        editable: false,
        isDefault: true,
        name: "Metrics",
        type: DATASOURCE.metrics.type,
        uid: DATASOURCE.metrics.uid,
        url: metricsProxyUrl(tenant.platform, tenant.name),
      },
      {
        access: "proxy",
        editable: false,
        jsonData: { httpHeaderName1: OBSERVABILITY.orgHeader },
        name: "Logs",
        secureJsonData: { httpHeaderValue1: tenant.namespace },
        type: DATASOURCE.logs.type,
        uid: DATASOURCE.logs.uid,
        url: `http://${OBSERVABILITY.lokiGateway.host}:${OBSERVABILITY.lokiGateway.port}`,
      },
    ],
  };
}

/** JMESPath over the identity provider's groups: Admin, Editor, Viewer, or nothing (refused). */
export function roleAttributePath(platformGroups: readonly string[], tenant: TenantModel): string {
  const quote = (g: string) => `'${g.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const grant = (groups: readonly string[], role: string) =>
    groups.map((g) => `contains(groups[*], ${quote(g)}) && '${role}'`);
  return [
    ...grant(platformGroups, "Admin"),
    ...grant(tenant.settings.admins, "Editor"),
    ...grant(tenant.settings.viewers, "Viewer"),
  ].join(" || ");
}

export function grafanaHost(model: Model, tenant: TenantModel): string {
  return `${tenantGrafana(tenant.name)}.${model.cluster.domain}`;
}

/** The namespace, then (a wave later) what runs in it. */
export function renderObservability(
  model: Model,
  rowsOf: (tenant: TenantModel) => readonly DashboardRow[],
): { namespace: KubernetesObject[]; services: KubernetesObject[] } {
  if (!model.observability.enabled) return { namespace: [], services: [] };
  return {
    namespace: [
      restrictedNamespace(model, observabilityNamespace(model.platform), managedLabels(model.platform)),
    ],
    services: renderServices(model, rowsOf),
  };
}

function renderServices(
  model: Model,
  rowsOf: (tenant: TenantModel) => readonly DashboardRow[],
): KubernetesObject[] {
  return [
    renderDefaultDeny((name) => observabilityMeta(model, name)),
    renderAllowDns((name) => observabilityMeta(model, name)),
    ...renderNamespacePolicies(model),
    ...model.tenants.flatMap((tenant) => renderTenantGrafana(model, tenant, rowsOf(tenant))),
  ];
}

function renderTenantGrafana(
  model: Model,
  tenant: TenantModel,
  rows: readonly DashboardRow[],
): KubernetesObject[] {
  const name = tenantGrafana(tenant.name);
  const proxy = tenantMetricsProxy(tenant.name);
  const dashboard = tenantDashboard(model, tenant, rows);
  const provider = {
    apiVersion: 1,
    providers: [
      {
        allowUiUpdates: false,
        disableDeletion: true,
        folder: tenant.name,
        folderUid: tenantUid(tenant),
        name: "tenantctl",
        options: { path: "/var/lib/grafana-dashboards" },
        type: "file",
      },
    ],
  };
  const grafanaLabels = { [LABEL.component]: COMPONENT.grafana, [LABEL.tenant]: tenant.name };
  const proxyLabels = { [LABEL.component]: COMPONENT.metricsProxy, [LABEL.tenant]: tenant.name };
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: observabilityMeta(model, `${name}-provisioning`, tenant),
      data: {
        "dashboards.yaml": emitYaml(provider),
        "datasources.yaml": emitYaml(datasourcesFile(tenant)),
      },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: observabilityMeta(model, `${name}-dashboards`, tenant),
      data: { [`${tenant.name}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
    },
    deployment(model, tenant, name, grafanaLabels, {
      containers: [
        {
          env: grafanaEnv(model, tenant),
          image: PINNED.grafanaImage,
          name: "grafana",
          ports: [{ containerPort: OBSERVABILITY.grafanaPort, name: "http", protocol: "TCP" }],
          readinessProbe: { httpGet: { path: "/api/health", port: "http" }, periodSeconds: 10 },
          resources: containerResources(OBSERVABILITY_RESOURCES.grafana),
          securityContext: RESTRICTED_CONTAINER_SECURITY,
          volumeMounts: [
            {
              mountPath: "/etc/grafana/provisioning/datasources/datasources.yaml",
              name: "provisioning",
              subPath: "datasources.yaml",
            },
            {
              mountPath: "/etc/grafana/provisioning/dashboards/dashboards.yaml",
              name: "provisioning",
              subPath: "dashboards.yaml",
            },
            { mountPath: "/var/lib/grafana-dashboards", name: "dashboards" },
            { mountPath: "/var/lib/grafana", name: "data" },
            { mountPath: "/tmp", name: "tmp" },
          ],
        },
      ],
      securityContext: restrictedPodSecurity(GRAFANA_UID),
      volumes: [
        { configMap: { name: `${name}-provisioning` }, name: "provisioning" },
        { configMap: { name: `${name}-dashboards` }, name: "dashboards" },
        emptyDir("data", "1Gi"),
        emptyDir("tmp", "64Mi"),
      ],
    }),
    service(model, tenant, name, grafanaLabels, OBSERVABILITY.grafanaPort),
    deployment(model, tenant, proxy, proxyLabels, {
      containers: [
        {
          args: [
            `-insecure-listen-address=0.0.0.0:${OBSERVABILITY.labelProxyPort}`,
            `-upstream=${PROMETHEUS_SERVER}`,
            "-label=namespace",
            `-label-value=${tenant.namespace}`,
            "-enable-label-apis",
            // A query naming another namespace is refused, not quietly answered with the tenant's.
            "-error-on-replace",
          ],
          image: PINNED.promLabelProxyImage,
          name: "prom-label-proxy",
          ports: [{ containerPort: OBSERVABILITY.labelProxyPort, name: "http", protocol: "TCP" }],
          resources: containerResources(OBSERVABILITY_RESOURCES.metricsProxy),
          securityContext: RESTRICTED_CONTAINER_SECURITY,
        },
      ],
      securityContext: restrictedPodSecurity(PROXY_UID),
    }),
    service(model, tenant, proxy, proxyLabels, OBSERVABILITY.labelProxyPort),
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      // On the tenant's zone's ALB, beside its product: internet-facing only for a customer-data zone.
      metadata: {
        ...observabilityMeta(model, name, tenant),
        annotations: ingressAnnotations(model, tenant, [grafanaHost(model, tenant)], {
          healthPath: "/api/health",
        }),
      },
      spec: {
        ingressClassName: model.ingress.className,
        rules: [
          {
            host: grafanaHost(model, tenant),
            http: {
              paths: [
                { backend: { service: { name, port: { name: "http" } } }, path: "/", pathType: "Prefix" },
              ],
            },
          },
        ],
        ...(model.ingress.tls === "cert-manager"
          ? { tls: [{ hosts: [grafanaHost(model, tenant)], secretName: `${name}-tls` }] }
          : {}),
      },
    },
  ];
}

function grafanaEnv(model: Model, tenant: TenantModel): Record<string, unknown>[] {
  const oidc = model.observability.oidc;
  const plain: [string, string][] = [
    ["GF_SERVER_ROOT_URL", `https://${grafanaHost(model, tenant)}/`],
    ["GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION", "true"],
    ["GF_AUTH_ANONYMOUS_ENABLED", "false"],
    ["GF_AUTH_BASIC_ENABLED", "false"],
    ["GF_AUTH_DISABLE_LOGIN_FORM", "true"],
    ["GF_USERS_ALLOW_SIGN_UP", "false"],
    ["GF_ANALYTICS_REPORTING_ENABLED", "false"],
    ["GF_ANALYTICS_CHECK_FOR_UPDATES", "false"],
    ["GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false"],
    ["GF_AUTH_GENERIC_OAUTH_ENABLED", oidc === undefined ? "false" : "true"],
    [
      "GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH",
      roleAttributePath(model.observability.platformGroups, tenant),
    ],
    ["GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT", "true"],
    ["GF_AUTH_GENERIC_OAUTH_ALLOW_ASSIGN_GRAFANA_ADMIN", "false"],
    ["GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH", "groups"],
  ];
  if (oidc !== undefined)
    plain.push(
      ["GF_AUTH_GENERIC_OAUTH_NAME", "Single sign-on"],
      ["GF_AUTH_GENERIC_OAUTH_CLIENT_ID", oidc.clientId],
      ["GF_AUTH_GENERIC_OAUTH_SCOPES", "openid profile email groups"],
      ["GF_AUTH_GENERIC_OAUTH_AUTH_URL", oidc.authUrl],
      ["GF_AUTH_GENERIC_OAUTH_TOKEN_URL", oidc.tokenUrl],
      ["GF_AUTH_GENERIC_OAUTH_API_URL", oidc.apiUrl],
    );
  return [
    ...plain.map(([name, value]) => ({ name, value })),
    ...(oidc === undefined
      ? []
      : [
          {
            name: "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET",
            valueFrom: { secretKeyRef: { key: "clientSecret", name: OBSERVABILITY.oidcSecret } },
          },
        ]),
  ];
}

function deployment(
  model: Model,
  tenant: TenantModel,
  name: string,
  labels: Record<string, string>,
  pod: Record<string, unknown>,
): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: observabilityMeta(model, name, tenant),
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, [LABEL.zone]: tenant.zone.name } },
        // A dedicated tenant's logs and metrics pass through here: on its own pool, as its pods.
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...placementFields(placement(tenant, "app")),
          ...pod,
        },
      },
    },
  };
}

function service(
  model: Model,
  tenant: TenantModel,
  name: string,
  selector: Record<string, string>,
  port: number,
): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: observabilityMeta(model, name, tenant),
    spec: { ports: [{ name: "http", port, protocol: "TCP", targetPort: "http" }], selector },
  };
}
