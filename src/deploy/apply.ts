import { forEachLimited } from "../lib/concurrency.js";
import type { Model } from "../model/resolve.js";
import type { RenderedObject } from "../render/render.js";
import { WAVE } from "../render/waves.js";
import { ensureGeneratedSecrets } from "./generated-secrets.js";
import { KubeApiError, type KubeClient, KubeUnreachableError, type ResourceInfo } from "./kube-client.js";
import {
  appliedByTenantctl,
  describeRef,
  FIELD_MANAGER,
  isDataBearing,
  isGitOpsObject,
  keyOf,
  type LiveObject,
  managedSelector,
  type ObjectRef,
  rankOf,
  refOf,
  unchangedSinceApply,
  withAppliedHash,
} from "./objects.js";

/**
 * `tenantctl apply`: server-side apply (field manager `tenantctl`, Strict field validation)
 * of everything `render` produces, in dependency order, then prune of what tenantctl applied
 * before and no longer renders. Data-bearing objects are never pruned without allowDataLoss;
 * nothing is pruned after a failed apply. The report says, object by object, what happened.
 */
export type Outcome = "created" | "configured" | "unchanged" | "failed" | "not-attempted";

export interface ObjectResult {
  readonly ref: ObjectRef;
  readonly tenant: string | undefined;
  readonly outcome: Outcome;
  readonly error?: string;
}

export interface ApplyReport {
  readonly dryRun: boolean;
  readonly results: readonly ObjectResult[];
  /** Deleted (or, in a dry run, to be deleted). */
  readonly pruned: readonly ObjectRef[];
  /** No longer rendered but kept because they hold data (pass allowDataLoss to delete them). */
  readonly keptForData: readonly ObjectRef[];
  /** Prune was skipped because something failed. */
  readonly pruneSkipped: boolean;
  readonly seconds: number;
}

export interface ApplyOptions {
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly allowDataLoss?: boolean;
  readonly concurrency?: number;
  /**
   * Send every object even when it is unchanged since tenantctl last applied it (repairs
   * drift that left no trace in managed fields). Off: unchanged objects are skipped.
   */
  readonly reconcileAll?: boolean;
  /** Also apply Argo CD's objects (projects, application sets, add-on applications). */
  readonly withGitOps?: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly type: "phase"; readonly message: string }
  | { readonly type: "object"; readonly result: ObjectResult; readonly done: number; readonly total: number };

export async function applyPlatform(
  client: KubeClient,
  model: Model,
  rendered: readonly RenderedObject[],
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const started = performance.now();
  const objects = options.withGitOps ? rendered : rendered.filter((o) => !isGitOpsObject(o.object));
  const dryRun = options.dryRun ?? false;
  const progress = options.onProgress ?? (() => undefined);
  const results: ObjectResult[] = [];
  let unreachable: KubeUnreachableError | undefined;

  progress({ type: "phase", message: `reading what tenantctl manages on ${client.server}` });
  const infos = await resolveResources(client, objects);
  const live = await listManaged(
    client,
    [...new Set(infos.values())].filter((i): i is ResourceInfo => i !== undefined),
    managedSelector(model.platform),
  );

  const byRank = new Map<number, RenderedObject[]>();
  for (const o of objects) byRank.set(rankOf(o.object), [...(byRank.get(rankOf(o.object)) ?? []), o]);
  const ranks = [...byRank.keys()].sort((a, b) => a - b);
  const total = objects.length;
  const record = (result: ObjectResult) => {
    results.push(result);
    progress({ type: "object", result, done: results.length, total });
  };

  let secretsDone = model.secretProvider !== "generated";
  for (const rank of ranks) {
    // Generated secrets are created once the namespaces exist, before anything reads them.
    if (!secretsDone && rank > WAVE.namespace && !unreachable) {
      secretsDone = true;
      await generateSecrets();
    }
    const batch = byRank.get(rank) ?? [];
    if (unreachable) {
      for (const o of batch) record({ ref: refOf(o.object), tenant: o.tenant, outcome: "not-attempted" });
      continue;
    }
    await forEachLimited(batch, options.concurrency ?? 12, async (o) => {
      const ref = refOf(o.object);
      if (unreachable) {
        record({ ref, tenant: o.tenant, outcome: "not-attempted" });
        return;
      }
      const info = infos.get(`${o.object.apiVersion}/${o.object.kind}`);
      if (!info) {
        record({
          ref,
          tenant: o.tenant,
          outcome: "failed",
          error: `the cluster does not serve ${o.object.apiVersion} ${o.object.kind}: install its CRD (the add-on) first`,
        });
        return;
      }
      const before = live.get(keyOf(ref));
      if (!options.reconcileAll && before !== undefined && unchangedSinceApply(before, o.object)) {
        record({ ref, tenant: o.tenant, outcome: "unchanged" });
        return;
      }
      try {
        const outcome = await applyOne(client, info, o, before, dryRun);
        record({ ref, tenant: o.tenant, outcome });
      } catch (error) {
        if (error instanceof KubeUnreachableError) unreachable = error;
        record({
          ref,
          tenant: o.tenant,
          outcome: unreachable ? "not-attempted" : "failed",
          error: messageOf(error),
        });
      }
    });
  }

  if (!secretsDone && !unreachable) await generateSecrets();

  const failed = results.some((r) => r.outcome === "failed" || r.outcome === "not-attempted");
  let pruned: ObjectRef[] = [];
  let keptForData: ObjectRef[] = [];
  if ((options.prune ?? true) && !failed) {
    progress({ type: "phase", message: "pruning what is no longer rendered" });
    // Everything rendered stays, applied this time or not (Argo CD's objects included).
    const keep = new Set(rendered.map((o) => keyOf(refOf(o.object))));
    for (const r of results) keep.add(keyOf(r.ref));
    ({ pruned, keptForData } = await prune(client, live, keep, {
      dryRun,
      allowDataLoss: options.allowDataLoss ?? false,
    }));
  }
  if (unreachable) throw Object.assign(unreachable, { report: summary() });
  return summary();

  async function generateSecrets(): Promise<void> {
    try {
      for (const s of await ensureGeneratedSecrets(client, model, { dryRun })) record({ ...s });
    } catch (error) {
      if (error instanceof KubeUnreachableError) unreachable = error;
      record({
        ref: { apiVersion: "v1", kind: "Secret", namespace: undefined, name: "(generated secrets)" },
        tenant: undefined,
        outcome: "failed",
        error: messageOf(error),
      });
    }
  }

  function summary(): ApplyReport {
    return {
      dryRun,
      results,
      pruned,
      keptForData,
      pruneSkipped: failed && (options.prune ?? true),
      seconds: (performance.now() - started) / 1000,
    };
  }
}

async function applyOne(
  client: KubeClient,
  info: ResourceInfo,
  o: RenderedObject,
  before: LiveObject | undefined,
  dryRun: boolean,
): Promise<Outcome> {
  const response = await client.call<LiveObject>(
    "PATCH",
    client.path(info, o.object.metadata.namespace, o.object.metadata.name),
    {
      contentType: "application/apply-patch+yaml",
      body: withAppliedHash(o.object),
      query: {
        fieldManager: FIELD_MANAGER,
        force: "true",
        fieldValidation: "Strict",
        ...(dryRun ? { dryRun: "All" } : {}),
      },
    },
  );
  if (response.status === 201) return "created";
  if (!before) return "configured";
  // Controllers bump resourceVersion with every status update; what tells whether this apply
  // changed anything is tenantctl's own managed-fields entry, which a no-op apply leaves alone.
  return JSON.stringify(ownEntry(response.body)) === JSON.stringify(ownEntry(before))
    ? "unchanged"
    : "configured";
}

function ownEntry(object: LiveObject): unknown {
  return (object.metadata.managedFields ?? []).find(
    (f) => f.manager === FIELD_MANAGER && f.operation === "Apply",
  );
}

async function resolveResources(
  client: KubeClient,
  objects: readonly RenderedObject[],
): Promise<Map<string, ResourceInfo | undefined>> {
  const out = new Map<string, ResourceInfo | undefined>();
  for (const { object } of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    if (!out.has(key)) out.set(key, await client.resourceFor(object.apiVersion, object.kind));
  }
  // Secrets are what the generated provider creates, and what prune must see.
  const secret = await client.resourceFor("v1", "Secret");
  out.set("v1/Secret", secret);
  return out;
}

/** Every object of these resources labelled as tenantctl's, by identity. */
async function listManaged(
  client: KubeClient,
  infos: readonly ResourceInfo[],
  selector: string,
): Promise<Map<string, LiveObject>> {
  const out = new Map<string, LiveObject>();
  const lists = await Promise.all(
    infos.map(async (info) => {
      const response = await client.call<{ items: LiveObject[] }>("GET", client.path(info), {
        query: { labelSelector: selector },
      });
      const apiVersion = info.group === "" ? info.version : `${info.group}/${info.version}`;
      return response.body.items.map((item) => ({ ...item, apiVersion, kind: info.kind }));
    }),
  );
  for (const item of lists.flat()) out.set(keyOf(refOf(item)), item);
  return out;
}

async function prune(
  client: KubeClient,
  live: Map<string, LiveObject>,
  rendered: Set<string>,
  options: { dryRun: boolean; allowDataLoss: boolean },
): Promise<{ pruned: ObjectRef[]; keptForData: ObjectRef[] }> {
  const candidates = [...live.entries()]
    .filter(([key, object]) => !rendered.has(key) && appliedByTenantctl(object))
    .map(([, object]) => object);
  const pruned: ObjectRef[] = [];
  const keptForData: ObjectRef[] = [];
  // Namespaced objects first; a namespace goes last, and only if nothing in it holds data.
  const ordered = [...candidates].sort(
    (a, b) => Number(a.kind === "Namespace") - Number(b.kind === "Namespace"),
  );
  for (const object of ordered) {
    const ref = refOf(object);
    const holdsData =
      isDataBearing(object) ||
      (object.kind === "Namespace" && (await namespaceHoldsData(client, object.metadata.name)));
    if (holdsData && !options.allowDataLoss) {
      keptForData.push(ref);
      continue;
    }
    const info = await client.resourceFor(object.apiVersion, object.kind);
    if (!info) continue;
    await client.call("DELETE", client.path(info, ref.namespace, ref.name), {
      query: { propagationPolicy: "Background", ...(options.dryRun ? { dryRun: "All" } : {}) },
    });
    pruned.push(ref);
  }
  return { pruned, keptForData };
}

/** Whether deleting the namespace would delete data: volume claims, databases, data-bearing secrets. */
async function namespaceHoldsData(client: KubeClient, namespace: string): Promise<boolean> {
  const checks: [string, string][] = [
    ["v1", "PersistentVolumeClaim"],
    ["postgresql.cnpg.io/v1", "Cluster"],
    ["postgresql.cnpg.io/v1", "Database"],
    ["v1", "Secret"],
  ];
  for (const [apiVersion, kind] of checks) {
    const info = await client.resourceFor(apiVersion, kind);
    if (!info) continue;
    const items = (await client.call<{ items: LiveObject[] }>("GET", client.path(info, namespace))).body
      .items;
    if (items.some((item) => isDataBearing({ ...item, apiVersion, kind }))) return true;
  }
  return false;
}

function messageOf(error: unknown): string {
  if (error instanceof KubeApiError) return `${error.status} ${error.reason}: ${error.message}`.trim();
  return error instanceof Error ? error.message : String(error);
}

export { describeRef };
