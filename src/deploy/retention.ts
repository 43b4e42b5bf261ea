/**
 * An offboarded tenant's data in the cluster, kept through a day: `tenantctl offboard` writes
 * that day (`tenantctl.io/retain-until`) on every data-bearing object of the tenant that this
 * platform created, and on its namespace, so that prune keeps them (and the namespace that
 * holds them) through that day whatever its options; `tenantctl status --kubeconfig` lists them.
 */
import { LABEL, RETAIN_UNTIL_ANNOTATION } from "../model/names.js";
import type { Model, TenantModel } from "../model/resolve.js";
import { type KubeClient, KubeApiError, type KubeListedMetadata } from "./kube-client.js";
import { describeRef } from "../manifest/references.js";
import { isDataBearing, managedSelector } from "./objects.js";

export interface RetainedObject {
  readonly tenant: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly until: string;
}

/** The data-bearing objects of this platform (or one tenant of it) in a namespace, as listed now. */
async function dataOf(
  client: KubeClient,
  selector: string,
  namespace: string,
): Promise<KubeListedMetadata[]> {
  const out: KubeListedMetadata[] = [];
  for await (const o of client.namespacedMetadata(namespace, selector)) if (isDataBearing(o)) out.push(o);
  return out;
}

/** Writes the retention day on the tenant's data-bearing objects and namespace; returns what it marked. */
export async function markRetained(
  client: KubeClient,
  model: Model,
  tenant: TenantModel,
  until: string,
  progress: (line: string) => void,
): Promise<string[]> {
  const selector = `${managedSelector(model.platform)},${LABEL.tenant}=${tenant.name}`;
  const objects = await dataOf(client, selector, tenant.namespace);
  const marked: string[] = [];
  const patch = { metadata: { annotations: { [RETAIN_UNTIL_ANNOTATION]: until } } };
  for (const o of objects) {
    const info = await client.resourceFor(o.apiVersion, o.kind);
    if (info === undefined) continue;
    await client.call("PATCH", client.path(info, tenant.namespace, o.metadata.name), {
      body: patch,
      contentType: "application/merge-patch+json",
    });
    const ref = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: tenant.namespace,
      name: o.metadata.name,
    };
    marked.push(describeRef(ref));
    progress(`  kept through ${until}: ${describeRef(ref)}`);
  }
  try {
    await client.call("PATCH", `/api/v1/namespaces/${tenant.namespace}`, {
      body: patch,
      contentType: "application/merge-patch+json",
    });
    marked.push(`Namespace ${tenant.namespace}`);
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 404)) throw error;
  }
  return marked;
}

/** Every object of this platform that carries a retention day, by tenant (what status lists). */
export async function listRetained(client: KubeClient, model: Model): Promise<RetainedObject[]> {
  const namespaces = await client.call<{ items?: KubeListedMetadata[] }>("GET", "/api/v1/namespaces", {
    query: { labelSelector: managedSelector(model.platform) },
  });
  const out: RetainedObject[] = [];
  for (const ns of namespaces.body.items ?? []) {
    if (ns.metadata.annotations?.[RETAIN_UNTIL_ANNOTATION] === undefined) continue;
    const tenant = ns.metadata.labels?.[LABEL.tenant] ?? ns.metadata.name;
    for (const o of await dataOf(client, managedSelector(model.platform), ns.metadata.name)) {
      const until = o.metadata.annotations?.[RETAIN_UNTIL_ANNOTATION];
      if (until === undefined) continue;
      out.push({
        tenant,
        object: describeRef({ kind: o.kind, namespace: ns.metadata.name, name: o.metadata.name }),
        until,
      });
    }
  }
  return out;
}
