/**
 * Each tenant's Grafana reads only the tenant's own logs and metrics, and only the tenant's
 * groups (and the platform groups) sign in to it; the log agent ships each tenant's logs as
 * that tenant's Loki tenant. Read as Grafana reads its provisioning file (with `$VAR` and
 * `${VAR}` expanded from its environment) and as Fluent Bit reads its classic configuration
 * (Match globs against tags). A customer-data zone's logs readable from an internal zone's
 * Grafana is said as such.
 */
import { parse } from "yaml";
import {
  metricsProxyUrl,
  OBSERVABILITY,
  observabilityNamespace,
  tenantGrafana,
  tenantMetricsProxy,
} from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";
import { containerLogPattern } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf, type SourcedObject } from "../input.js";
import { podTemplateOf } from "../workloads.js";
import { list } from "./scope.js";

interface Container {
  name?: string;
  env?: { name?: string; value?: unknown }[];
  args?: unknown[];
  volumeMounts?: { name?: string; mountPath?: string; subPath?: string }[];
}

export const observabilityAccess: VerifyRule = {
  id: "observability-access",
  severity: "error",
  title: "A tenant's dashboards read another tenant's data",
  description:
    "A tenant's Grafana may query logs only as its own Loki tenant and metrics only through its own namespace-fixed proxy, sign in only its own and the platform's groups, and the log agent must ship each tenant namespace's logs as that namespace's Loki tenant only.",
  check(ctx) {
    if (!ctx.model.observability.enabled) return [];
    const out: Finding[] = [];
    const ns = observabilityNamespace(ctx.model.platform);
    const objects = ctx.objectsIn(ns);
    const byName = new Map(objects.map((o) => [`${o.object.kind}/${o.object.metadata.name}`, o]));
    const find = (kind: string, name: string) => byName.get(`${kind}/${name}`);
    const ownerOf = new Map(ctx.model.tenants.map((t) => [t.namespace, t]));
    for (const tenant of ctx.model.tenants) {
      const report = (source: SourcedObject, message: string, fix: string) =>
        out.push(findingOf(this, { message, objects: [refOf(source)], fix, tenant: tenant.name }));
      const grafana = find("Deployment", tenantGrafana(tenant.name));
      if (grafana === undefined) continue;
      const spec = (podTemplateOf(grafana.object)?.spec ?? {}) as Record<string, unknown>;
      const container = list<Container>(spec.containers).find((c) => c.name === "grafana");
      const env = new Map(
        (container?.env ?? []).flatMap((e) =>
          typeof e.value === "string" && e.name ? [[e.name, e.value]] : [],
        ),
      );
      // Who signs in.
      const allowed = new Set([
        ...ctx.model.observability.platformGroups,
        ...tenant.settings.admins,
        ...tenant.settings.viewers,
      ]);
      const path = env.get("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH") ?? "";
      const named = [...path.matchAll(/contains\(\s*groups\[\*\]\s*,\s*'((?:[^'\\]|\\.)*)'\s*\)/g)].map(
        (m) => m[1] ?? "",
      );
      const stranger = named.filter((g) => !allowed.has(g.replaceAll("\\'", "'")));
      if (stranger.length > 0)
        report(
          grafana,
          `Grafana of tenant ${tenant.name} lets in groups that are not the tenant's: ${stranger.join(", ")}`,
          "grant roles only to the tenant's admins and viewers and the platform groups (render again)",
        );
      if (env.get("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT") !== "true")
        report(
          grafana,
          `Grafana of tenant ${tenant.name} lets in users of any group (GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT is not true): they get the Viewer role`,
          "set GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT=true",
        );
      if (env.get("GF_AUTH_ANONYMOUS_ENABLED") !== "false" || env.get("GF_AUTH_BASIC_ENABLED") !== "false")
        report(
          grafana,
          `Grafana of tenant ${tenant.name} accepts anonymous or password sign-in`,
          "set GF_AUTH_ANONYMOUS_ENABLED=false and GF_AUTH_BASIC_ENABLED=false",
        );
      // What its datasources read.
      for (const { source, file } of datasourceFiles(find, spec, container)) {
        let datasources: Record<string, unknown>[];
        try {
          datasources = list<Record<string, unknown>>(
            (parse(file) as Record<string, unknown> | null)?.datasources,
          );
        } catch (e) {
          report(
            source,
            `Grafana of tenant ${tenant.name}: its datasources file does not parse (${(e as Error).message})`,
            "render again",
          );
          continue;
        }
        for (const ds of datasources) {
          const name = String(ds.name ?? ds.uid ?? "?");
          const expand = (v: unknown) =>
            typeof v === "string"
              ? v.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => env.get(a ?? b) ?? "")
              : "";
          if (ds.type === "loki") {
            const jsonData = (ds.jsonData ?? {}) as Record<string, unknown>;
            const secure = (ds.secureJsonData ?? {}) as Record<string, unknown>;
            const orgs = Object.entries(jsonData)
              .filter(
                ([k, v]) =>
                  /^httpHeaderName\d+$/.test(k) &&
                  String(v).toLowerCase() === OBSERVABILITY.orgHeader.toLowerCase(),
              )
              .flatMap(([k]) => expand(secure[k.replace("Name", "Value")]).split("|"))
              .map((o) => o.trim());
            const foreign = orgs.filter((o) => o !== tenant.namespace);
            if (orgs.length === 0)
              report(
                source,
                `Grafana of tenant ${tenant.name}: datasource ${name} sends no ${OBSERVABILITY.orgHeader}: Loki answers for no tenant or a default one`,
                `set jsonData.httpHeaderName1: ${OBSERVABILITY.orgHeader} and secureJsonData.httpHeaderValue1: ${tenant.namespace}`,
              );
            for (const org of foreign) {
              const owner = ownerOf.get(org);
              const crossZone = owner !== undefined && owner.zone.customerData && !tenant.zone.customerData;
              report(
                source,
                `Grafana of tenant ${tenant.name}${crossZone ? ` (internal zone ${tenant.zone.name})` : ""}: datasource ${name} reads the logs of ${owner === undefined ? `Loki tenant ${org}` : `tenant ${owner.name}${crossZone ? ` (customer-data zone ${owner.zone.name})` : ""}`}`,
                `its ${OBSERVABILITY.orgHeader} must be ${tenant.namespace} alone`,
              );
            }
          } else if (ds.type === "prometheus") {
            const want = metricsProxyUrl(ctx.model.platform, tenant.name);
            if (expand(ds.url).replace(/\/+$/, "") !== want)
              report(
                source,
                `Grafana of tenant ${tenant.name}: datasource ${name} reads metrics from ${expand(ds.url)}, not through the tenant's proxy: every namespace's series`,
                `set its url to ${want}`,
              );
          } else {
            report(
              source,
              `Grafana of tenant ${tenant.name}: datasource ${name} of type ${String(ds.type)} reads data tenantctl cannot confine to the tenant`,
              "remove it",
            );
          }
        }
      }
      const proxy = find("Deployment", tenantMetricsProxy(tenant.name));
      if (proxy !== undefined) {
        const proxySpec = (podTemplateOf(proxy.object)?.spec ?? {}) as Record<string, unknown>;
        const args = list<Container>(proxySpec.containers).flatMap((c) => (c.args ?? []).map(String));
        const flag = (name: string) =>
          args.flatMap((a) => {
            const m = new RegExp(`^--?${name}(?:=(.*))?$`).exec(a);
            return m ? [m[1] ?? ""] : [];
          });
        const label = flag("label");
        const values = flag("label-value");
        if (
          label.join() !== "namespace" ||
          values.join() !== tenant.namespace ||
          flag("regex-match").length > 0
        )
          report(
            proxy,
            `the metrics proxy of tenant ${tenant.name} is not fixed to namespace="${tenant.namespace}" (label ${label.join(",") || "unset"}, values ${values.join(",") || "unset"})`,
            `run it with -label=namespace -label-value=${tenant.namespace} only`,
          );
      }
    }
    out.push(...checkLogAgent(this, ctx.input.objects, [...ownerOf.values()]));
    return out;
  },
};

/** The datasources files a Grafana container reads: ConfigMap keys mounted under provisioning/datasources. */
function datasourceFiles(
  find: (kind: string, name: string) => SourcedObject | undefined,
  spec: Record<string, unknown>,
  container: Container | undefined,
): { source: SourcedObject; file: string }[] {
  const volumes = list<{ name?: string; configMap?: { name?: string } }>(spec.volumes);
  const out: { source: SourcedObject; file: string }[] = [];
  for (const mount of container?.volumeMounts ?? []) {
    if (!mount.mountPath?.startsWith("/etc/grafana/provisioning/datasources")) continue;
    const cm = volumes.find((v) => v.name === mount.name)?.configMap?.name;
    const source = cm === undefined ? undefined : find("ConfigMap", cm);
    if (source === undefined) continue;
    const data = ((source.object as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
    for (const [key, file] of Object.entries(data))
      if (mount.subPath === undefined || mount.subPath === key) out.push({ source, file });
  }
  return out;
}

/** Fluent Bit's `Match` glob as a regex: `*` is any run of characters. */
function globRegex(glob: string): RegExp {
  const literal = (p: string) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${glob.split("*").map(literal).join(".*")}$`);
}

type Section = Map<string, string>;

/** Sections of a classic Fluent Bit configuration: `[NAME]` then `key value` lines. */
export function classicSections(text: string, kind: string): Section[] {
  const out: Section[] = [];
  let current: Section | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) {
      current = head[1]?.toUpperCase() === kind ? new Map() : undefined;
      if (current) out.push(current);
      continue;
    }
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (current && m) current.set((m[1] ?? "").toLowerCase(), (m[2] ?? "").trim());
  }
  return out;
}

function checkLogAgent(
  rule: VerifyRule,
  objects: readonly SourcedObject[],
  tenants: readonly TenantModel[],
): Finding[] {
  const app = objects.find(
    (o) =>
      o.object.kind === "Application" &&
      ((o.object.spec as { source?: { chart?: string } } | undefined)?.source?.chart ?? "") === "fluent-bit",
  );
  if (app === undefined) return [];
  const config = ((
    app.object.spec as { source?: { helm?: { valuesObject?: { config?: Record<string, unknown> } } } }
  ).source?.helm?.valuesObject?.config ?? {}) as Record<string, unknown>;
  const inputs = classicSections(String(config.inputs ?? ""), "INPUT").filter(
    (s) => s.get("name") === "tail",
  );
  // Globs that are a tenant namespace's own (`*_<ns>_*.log`, `tenant.<ns>.*`) are looked up, the
  // rest matched: a namespace name holds no `_` or `.`, so such a glob matches that namespace's
  // files and tags alone. A thousand tenants' configuration is then checked in milliseconds.
  const namespaceOfPattern = new Map(tenants.map((t) => [containerLogPattern(t.namespace), t.namespace]));
  const globs = (section: Section, key: string) => {
    const own = new Set<string>();
    const other: RegExp[] = [];
    for (const p of (section.get(key) ?? "").split(",").map((x) => x.trim())) {
      if (p === "") continue;
      const ns = namespaceOfPattern.get(p);
      if (ns === undefined) other.push(globRegex(p));
      else own.add(ns);
    }
    return { test: (ns: string, file: string) => own.has(ns) || other.some((re) => re.test(file)) };
  };
  // Path and Exclude_Path are comma-separated globs, as Fluent Bit's tail input reads them.
  const tails = inputs.map((input) => ({
    input,
    paths: globs(input, "path"),
    excluded: globs(input, "exclude_path"),
  }));
  const namespaces = new Set(tenants.map((t) => t.namespace));
  const outputsOf = new Map<string, { match: RegExp; org: string | undefined }[]>();
  const otherOutputs: { match: RegExp; org: string | undefined }[] = [];
  for (const o of classicSections(String(config.outputs ?? ""), "OUTPUT")) {
    if (o.get("name") !== "loki") continue;
    const glob = o.get("match") ?? "";
    const output = { match: globRegex(glob), org: o.get("tenant_id") };
    const ns = /^tenant\.([a-z0-9-]+)\.\*$/.exec(glob)?.[1];
    if (ns !== undefined && namespaces.has(ns)) outputsOf.set(ns, [...(outputsOf.get(ns) ?? []), output]);
    else otherOutputs.push(output);
  }
  const outputsFor = (tag: string) => {
    const ns = /^tenant\.([a-z0-9-]+)\./.exec(tag)?.[1];
    const others = otherOutputs.filter((o) => o.match.test(tag));
    if (ns !== undefined) return [...(outputsOf.get(ns) ?? []), ...others];
    return [...[...outputsOf.values()].flat().filter((o) => o.match.test(tag)), ...others];
  };
  const out: Finding[] = [];
  const report = (tenant: TenantModel, message: string, fix: string) =>
    out.push(findingOf(rule, { message, objects: [refOf(app)], fix, tenant: tenant.name }));
  for (const tenant of tenants) {
    const pattern = containerLogPattern(tenant.namespace);
    // Each input that reads a log file of this namespace (the kubelet's name for one), not excluded.
    const file = `/var/log/containers/pod_${tenant.namespace}_container-0123abcd.log`;
    const reading = tails
      .filter(
        ({ paths, excluded }) => paths.test(tenant.namespace, file) && !excluded.test(tenant.namespace, file),
      )
      .map(({ input }) => input);
    if (reading.length === 0)
      report(tenant, `the log agent reads no logs of tenant ${tenant.name}`, "render again");
    for (const input of reading) {
      const tag = (input.get("tag") ?? "").replace(/\*$/, "var.log.containers.x.log");
      for (const output of outputsFor(tag)) {
        const org = output.org;
        if (org !== tenant.namespace)
          report(
            tenant,
            `the log agent ships the logs of tenant ${tenant.name} as Loki tenant ${org ?? "(none)"}${org === undefined ? "" : ", where others read them"}`,
            `ship ${pattern} only with tenant_id ${tenant.namespace}`,
          );
      }
    }
  }
  return out;
}
