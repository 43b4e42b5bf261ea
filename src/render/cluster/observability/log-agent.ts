/**
 * The log agent's configuration (Fluent Bit, classic format, as its chart takes it): one tail
 * input per tenant namespace, tagged with the namespace and shipped to Loki as that namespace's
 * Loki tenant (X-Scope-OrgID); one input for every other container log, excluding the tenants'
 * files, shipped as the platform's. The namespace comes from the log file's name, which the
 * kubelet writes (`<pod>_<namespace>_<container>-<id>.log`, and none of those names may hold
 * `_`), never from a label or a line a tenant could forge.
 */
import { containerLogPattern, OBSERVABILITY } from "../../../model/names.js";
import type { Model } from "../../../model/resolve.js";

const ALL_CONTAINER_LOGS = "/var/log/containers/*.log";

export interface LogAgentConfig {
  readonly inputs: string;
  readonly filters: string;
  readonly outputs: string;
}

/** The tag of a namespace's log records (Fluent Bit expands the trailing `*` to the file's path). */
export function logTag(namespace: string): string {
  return `tenant.${namespace}.*`;
}

export function logAgentConfig(model: Model): LogAgentConfig {
  const namespaces = model.tenants.map((t) => t.namespace);
  const section = (name: string, entries: readonly (readonly [string, string])[]) =>
    [`[${name}]`, ...entries.map(([k, v]) => `    ${k} ${v}`)].join("\n");
  const tail = (path: string, tag: string, exclude?: string) =>
    section("INPUT", [
      ["Name", "tail"],
      ["Path", path],
      ...(exclude === undefined ? [] : [["Exclude_Path", exclude] as const]),
      ["Tag", tag],
      ["multiline.parser", "cri, docker"],
      ["Mem_Buf_Limit", "16MB"],
      ["Skip_Long_Lines", "On"],
    ]);
  const kubernetes = (match: string, prefix: string) =>
    section("FILTER", [
      ["Name", "kubernetes"],
      ["Match", match],
      ["Kube_Tag_Prefix", prefix],
      ["Labels", "Off"],
      ["Annotations", "Off"],
    ]);
  const loki = (match: string, orgId: string) =>
    section("OUTPUT", [
      ["Name", "loki"],
      ["Match", match],
      ["Host", OBSERVABILITY.lokiGateway.host],
      ["Port", String(OBSERVABILITY.lokiGateway.port)],
      ["tenant_id", orgId],
      ["labels", `job=fluent-bit, namespace=${orgId}`],
      ["label_keys", "$kubernetes['pod_name'],$kubernetes['container_name']"],
      ["line_format", "json"],
    ]);
  const platformTag = "platform.*";
  return {
    inputs: [
      ...namespaces.map((ns) => tail(containerLogPattern(ns), logTag(ns))),
      tail(
        ALL_CONTAINER_LOGS,
        platformTag,
        namespaces.length === 0 ? undefined : namespaces.map(containerLogPattern).join(","),
      ),
    ].join("\n"),
    filters: [
      ...namespaces.map((ns) => kubernetes(logTag(ns), `tenant.${ns}.var.log.containers.`)),
      kubernetes(platformTag, "platform.var.log.containers."),
    ].join("\n"),
    outputs: [
      ...namespaces.map((ns) => loki(logTag(ns), ns)),
      loki(platformTag, OBSERVABILITY.platformLogTenant),
    ].join("\n"),
  };
}
