/**
 * `tenantctl diff`: what an apply would change, object by object, computed by the API server
 * itself (server-side dry-run apply) against the live object, so defaults, webhooks and
 * other field managers are taken into account. Secret values are never shown.
 */
import { OWNER_ANNOTATION } from "../model/names.js";
import { lineDiff } from "../lib/line-diff.js";
import type { RenderedObject } from "../manifest/rendered.js";
import { toYaml } from "../manifest/serialize.js";
import { type KubeClient, KubeUnreachableError } from "./kube-client.js";
import {
  APPLIED_HASH_ANNOTATION,
  appliedByTenantctl,
  FIELD_MANAGER,
  isDataBearing,
  isGitOpsObject,
  type LiveObject,
  managedSelector,
  withAppliedHash,
} from "./objects.js";
import { keyOf, type ObjectRef, refOf } from "../manifest/references.js";

export type Change = "create" | "update" | "none" | "prune" | "keep-data" | "error";

export interface ObjectDiff {
  readonly ref: ObjectRef;
  readonly tenant: string | undefined;
  readonly change: Change;
  readonly lines: readonly string[];
}

const VOLATILE_METADATA = ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp"];

export async function diffPlatform(
  client: KubeClient,
  platform: string,
  rendered: readonly RenderedObject[],
  options: { withGitOps?: boolean } = {},
): Promise<ObjectDiff[]> {
  const objects = options.withGitOps ? rendered : rendered.filter((o) => !isGitOpsObject(o.object));
  const out: ObjectDiff[] = [];
  const renderedKeys = new Set(rendered.map((o) => keyOf(refOf(o.object))));
  const identity = rendered[0]?.object.metadata.annotations?.[OWNER_ANNOTATION];
  const infos = new Map<string, Awaited<ReturnType<KubeClient["resourceFor"]>>>();
  for (const o of objects) {
    const ref = refOf(o.object);
    const typeKey = `${o.object.apiVersion}/${o.object.kind}`;
    if (!infos.has(typeKey)) infos.set(typeKey, await client.resourceFor(o.object.apiVersion, o.object.kind));
    const info = infos.get(typeKey);
    if (!info) {
      out.push({
        ref,
        tenant: o.tenant,
        change: "error",
        lines: [`  the cluster does not serve ${typeKey}: install its CRD first`],
      });
      continue;
    }
    const path = client.path(info, ref.namespace, ref.name);
    const live = await client.request<LiveObject>("GET", path);
    try {
      const planned = await client.call<LiveObject>("PATCH", path, {
        contentType: "application/apply-patch+yaml",
        body: withAppliedHash(o.object),
        query: { fieldManager: FIELD_MANAGER, force: "true", fieldValidation: "Strict", dryRun: "All" },
      });
      const after = text(planned.body);
      if (live.status === 404) {
        out.push({ ref, tenant: o.tenant, change: "create", lines: after.map((l) => `+ ${l}`) });
        continue;
      }
      const before = text(live.body);
      const same = before.join("\n") === after.join("\n");
      out.push({
        ref,
        tenant: o.tenant,
        change: same ? "none" : "update",
        lines: same ? [] : lineDiff(before, after),
      });
    } catch (error) {
      if (error instanceof KubeUnreachableError) throw error;
      out.push({ ref, tenant: o.tenant, change: "error", lines: [`  ${(error as Error).message}`] });
    }
  }
  for (const info of [...new Set(infos.values())]) {
    if (!info) continue;
    const listed = (await client.listMetadata(info, undefined, managedSelector(platform))) as LiveObject[];
    for (const item of listed) {
      const ref = refOf(item);
      // What apply would prune: this platform's own (the identity every rendered object carries), applied by tenantctl.
      if (
        renderedKeys.has(keyOf(ref)) ||
        !appliedByTenantctl(item) ||
        item.metadata.annotations?.[OWNER_ANNOTATION] !== identity
      )
        continue;
      out.push({
        ref,
        tenant: item.metadata.labels?.["tenantctl.io/tenant"],
        change: isDataBearing(item) ? "keep-data" : "prune",
        lines: [],
      });
    }
  }
  return out;
}

/** An object as YAML lines without what the server changes on every write, and without secret values. */
function text(object: LiveObject): string[] {
  const metadata: Record<string, unknown> = Object.fromEntries(
    Object.entries(object.metadata).filter(([k]) => !VOLATILE_METADATA.includes(k)),
  );
  const annotations = Object.entries(object.metadata.annotations ?? {}).filter(
    ([k]) => k !== APPLIED_HASH_ANNOTATION,
  );
  if (annotations.length > 0) metadata.annotations = Object.fromEntries(annotations);
  else delete metadata.annotations;
  const clean: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(object).filter(([k]) => k !== "status")),
    metadata,
  };
  if (object.kind === "Secret") {
    for (const field of ["data", "stringData"]) {
      const values = clean[field] as Record<string, string> | undefined;
      if (values) clean[field] = Object.fromEntries(Object.keys(values).map((k) => [k, "(hidden)"]));
    }
  }
  return toYaml(clean as LiveObject)
    .trimEnd()
    .split("\n");
}
