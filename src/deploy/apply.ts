/**
 * `tenantctl apply`: server-side apply (field manager `tenantctl`, Strict field validation)
 * of everything `render` produces, in dependency order, then prune of what tenantctl applied
 * before and no longer renders. Data-bearing objects are never pruned without allowDataLoss;
 * nothing is pruned after a failed apply. The report says, object by object, what happened.
 */
import { retainedUntil, stillRetained } from "../model/offboarding.js";
import { AdaptiveLimit, forEachLimited } from "../lib/concurrency.js";
import type { Model } from "../model/resolve.js";
import type { RenderedObject } from "../manifest/rendered.js";
import { WAVE } from "../manifest/waves.js";
import {
  ensureTenantSecrets,
  ensureZoneSecrets,
  generatedSecretRefs,
  type SecretValues,
} from "./generated-secrets.js";
import { groupBy } from "../lib/group-by.js";
import { KubeApiError, type KubeClient, KubeUnreachableError, type ResourceInfo } from "./kube-client.js";
import { adoptionMatcher, describeOwner, isSystemGenerated, ownershipOf } from "./ownership.js";
import {
  appliedByTenantctl,
  FIELD_MANAGER,
  isDataBearing,
  isGitOpsObject,
  type LiveObject,
  managedSelector,
  rankOf,
  unchangedSinceApply,
  withAppliedHash,
} from "./objects.js";
import { describeRef, keyOf, type ObjectRef, refOf } from "../manifest/references.js";

export type Outcome = "created" | "configured" | "unchanged" | "refused" | "failed" | "not-attempted";

export interface ObjectResult {
  readonly ref: ObjectRef;
  readonly tenant: string | undefined;
  readonly outcome: Outcome;
  readonly error?: string;
}

export interface ApplyReport {
  readonly dryRun: boolean;
  readonly results: readonly ObjectResult[];
  /** Something was refused, failed or not attempted: the cluster is not what was rendered. */
  readonly incomplete: boolean;
  /** Deleted (or, in a dry run, to be deleted). */
  readonly pruned: readonly ObjectRef[];
  /** No longer rendered but kept because they hold data (pass allowDataLoss to delete them). */
  readonly keptForData: readonly ObjectRef[];
  /** Data of offboarded tenants, kept through their retention day whatever the options. */
  readonly keptUntil: readonly { readonly ref: ObjectRef; readonly until: string }[];
  /** Not deleted although no longer rendered: what else the namespace holds, by namespace. */
  readonly keptForContents: readonly { readonly ref: ObjectRef; readonly reason: string }[];
  /** Prune was skipped because something failed. */
  readonly pruneSkipped: boolean;
  /** Requests the API server answered "too many requests" (each retried), and the lowest number of requests in flight apply fell back to. */
  readonly throttled: number;
  readonly lowestConcurrency: number;
  readonly seconds: number;
}

export interface ApplyOptions {
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly allowDataLoss?: boolean;
  readonly concurrency?: number;
  /** What "today" is for retention dates (tests); default now. */
  readonly now?: Date;
  /**
   * Send every object even when it is unchanged since tenantctl last applied it (repairs
   * drift that left no trace in managed fields). Off: unchanged objects are skipped.
   */
  readonly reconcileAll?: boolean;
  /** Also apply Argo CD's objects (projects, application sets, add-on applications). */
  readonly withGitOps?: boolean;
  /**
   * Existing objects that this platform did not create and may take over, as `Kind/name` or
   * `Kind/namespace/name`. Anything else that exists and is not this platform's is refused.
   */
  readonly adopt?: readonly string[];
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly type: "phase"; readonly message: string }
  | { readonly type: "object"; readonly result: ObjectResult; readonly done: number; readonly total: number }
  | { readonly type: "tenant"; readonly tenant: string };

export async function applyPlatform(
  client: KubeClient,
  model: Model,
  rendered: readonly RenderedObject[],
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const run = new ApplyRun(client, model, options);
  const objects = options.withGitOps ? rendered : rendered.filter((o) => !isGitOpsObject(o.object));
  run.phase(`reading what exists on ${client.server}`);
  const { infos, live } = await readLive(client, model, objects);
  run.total = objects.length;

  // Nothing is written while anything rendered exists and is not this platform's: every
  // such object is reported, and the run stops before a half-applied cluster.
  const generated = generatedSecretRefs(model);
  const refusals = refusalsOf(objects, generated, live, model, options.adopt ?? []);
  if (refusals.size > 0) {
    for (const { ref, tenant } of [
      ...objects.map((o) => ({ ref: refOf(o.object), tenant: o.tenant })),
      ...generated,
    ]) {
      const refusal = refusals.get(keyOf(ref));
      run.record(
        refusal === undefined
          ? { ref, tenant, outcome: "not-attempted" }
          : { ref, tenant, outcome: "refused", error: refusal },
      );
    }
    return run.summary();
  }

  await applyFleet(run, objects, infos, live);
  if ((options.prune ?? true) && !incomplete(run.results)) {
    run.phase("pruning what is no longer rendered");
    // Everything rendered stays, applied this time or not (Argo CD's objects included).
    const keep = new Set(rendered.map((o) => keyOf(refOf(o.object))));
    for (const r of run.results) keep.add(keyOf(r.ref));
    run.pruneResult = await prune(client, model, live, keep, {
      dryRun: run.dryRun,
      allowDataLoss: options.allowDataLoss ?? false,
      now: options.now ?? new Date(),
    });
  }
  if (run.unreachable) throw Object.assign(run.unreachable, { report: run.summary() });
  return run.summary();
}

/** One apply as it goes: its results (reported as they come), whether the API server was lost, its prune. */
class ApplyRun {
  readonly started = performance.now();
  readonly limit: AdaptiveLimit;
  private readonly throttledBefore: number;
  readonly results: ObjectResult[] = [];
  readonly dryRun: boolean;
  total = 0;
  unreachable: KubeUnreachableError | undefined;
  pruneResult: Pick<ApplyReport, "pruned" | "keptForData" | "keptForContents" | "keptUntil"> = {
    pruned: [],
    keptForData: [],
    keptForContents: [],
    keptUntil: [],
  };

  constructor(
    readonly client: KubeClient,
    readonly model: Model,
    readonly options: ApplyOptions,
  ) {
    this.dryRun = options.dryRun ?? false;
    this.limit = new AdaptiveLimit(options.concurrency ?? 12);
    this.throttledBefore = client.throttled;
  }

  /** A request within the bound; the bound follows the server's answers (halved on 429, grown while none come). */
  limited<T>(task: () => Promise<T>): Promise<T> {
    return this.limit.run(async () => {
      const before = this.client.throttled;
      const result = await task();
      if (this.client.throttled > before) this.limit.slowDown();
      else this.limit.speedUp();
      return result;
    });
  }

  phase(message: string): void {
    this.options.onProgress?.({ type: "phase", message });
  }

  /** A tenant whose every object (and generated secret) has been applied, or failed, or was not attempted. */
  tenantDone(tenant: string): void {
    this.options.onProgress?.({ type: "tenant", tenant });
  }

  record(result: ObjectResult): void {
    this.results.push(result);
    this.options.onProgress?.({ type: "object", result, done: this.results.length, total: this.total });
  }

  /** A failed call: the API server lost stops the run (what follows is not attempted), anything else is this object's failure. */
  failed(ref: ObjectRef, tenant: string | undefined, error: unknown): void {
    if (error instanceof KubeUnreachableError) this.unreachable = error;
    this.record({
      ref,
      tenant,
      outcome: this.unreachable ? "not-attempted" : "failed",
      error: messageOf(error),
    });
  }

  summary(): ApplyReport {
    const failed = incomplete(this.results);
    return {
      dryRun: this.dryRun,
      results: this.results,
      incomplete: failed,
      ...this.pruneResult,
      pruneSkipped: failed && (this.options.prune ?? true),
      throttled: this.client.throttled - this.throttledBefore,
      lowestConcurrency: this.limit.lowest,
      seconds: (performance.now() - this.started) / 1000,
    };
  }
}

/** The resources the objects are served as, and what exists of this platform's (of any kind it ever rendered). */
async function readLive(client: KubeClient, model: Model, objects: readonly RenderedObject[]) {
  const infos = await resolveResources(client, objects);
  const live = await listExisting(
    client,
    [...new Set(infos.values())].filter((i): i is ResourceInfo => i !== undefined),
  );
  // What this platform may have created earlier, of any kind it no longer renders at all.
  for (const [key, object] of await listLabelledEverywhere(client, managedSelector(model.platform)))
    if (!live.has(key)) live.set(key, object);
  return { infos, live };
}

/**
 * The order of a fleet: the platform's own objects up to the namespaces (definitions, add-ons,
 * admission, node pools, projects, the zones' namespaces); the zones' generated secrets and
 * shared services; then the tenants, several at a time, each wave after wave (the order Argo CD
 * syncs in) with its generated secrets once its namespace exists, so that tenants complete one
 * after another instead of all at the end. Every request shares one bound on requests in flight.
 */
async function applyFleet(
  run: ApplyRun,
  objects: readonly RenderedObject[],
  infos: ReadonlyMap<string, ResourceInfo | undefined>,
  live: ReadonlyMap<string, LiveObject>,
): Promise<void> {
  const limit = <T>(task: () => Promise<T>) => run.limited(task);
  const platform = objects.filter((o) => o.tenant === undefined);
  await applyWaves(
    run,
    platform.filter((o) => rankOf(o.object) <= WAVE.namespace),
    infos,
    live,
    limit,
  );
  const generated = run.model.secretProvider === "generated";
  const values: SecretValues = new Map();
  if (generated && !run.unreachable)
    await recordSecrets(run, undefined, () =>
      ensureZoneSecrets(run.client, run.model, values, { dryRun: run.dryRun }),
    );
  await applyWaves(
    run,
    platform.filter((o) => rankOf(o.object) > WAVE.namespace),
    infos,
    live,
    limit,
  );
  const byTenant = groupBy(
    objects.filter((o) => o.tenant !== undefined),
    (o) => o.tenant ?? "",
  );
  await forEachLimited(run.model.tenants, TENANTS_IN_FLIGHT, async (tenant) => {
    let secretsDone = !generated;
    await applyWaves(run, byTenant.get(tenant.name) ?? [], infos, live, limit, async (rank) => {
      if (secretsDone || rank <= WAVE.namespace || run.unreachable) return;
      secretsDone = true;
      await recordSecrets(run, tenant.name, () =>
        limit(() => ensureTenantSecrets(run.client, run.model, tenant, values, { dryRun: run.dryRun })),
      );
    });
    if (!secretsDone && !run.unreachable)
      await recordSecrets(run, tenant.name, () =>
        ensureTenantSecrets(run.client, run.model, tenant, values, { dryRun: run.dryRun }),
      );
    run.tenantDone(tenant.name);
  });
}

/** Tenants in flight at once: enough to keep the request bound busy across their waves, few enough to finish in order. */
const TENANTS_IN_FLIGHT = 8;

/** Objects wave after wave, each wave's objects concurrently (within the shared bound). */
async function applyWaves(
  run: ApplyRun,
  objects: readonly RenderedObject[],
  infos: ReadonlyMap<string, ResourceInfo | undefined>,
  live: ReadonlyMap<string, LiveObject>,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  beforeWave: (rank: number) => Promise<void> = async () => undefined,
): Promise<void> {
  const byRank = groupBy(objects, (o) => String(rankOf(o.object)));
  for (const rank of [...byRank.keys()].map(Number).sort((a, b) => a - b)) {
    await beforeWave(rank);
    await Promise.all(
      (byRank.get(String(rank)) ?? []).map((o) => limit(() => applyRendered(run, o, infos, live))),
    );
  }
}

async function applyRendered(
  run: ApplyRun,
  o: RenderedObject,
  infos: ReadonlyMap<string, ResourceInfo | undefined>,
  live: ReadonlyMap<string, LiveObject>,
): Promise<void> {
  const ref = refOf(o.object);
  if (run.unreachable) {
    run.record({ ref, tenant: o.tenant, outcome: "not-attempted" });
    return;
  }
  const info = infos.get(`${o.object.apiVersion}/${o.object.kind}`);
  if (!info) {
    run.record({
      ref,
      tenant: o.tenant,
      outcome: "failed",
      error: `the cluster does not serve ${o.object.apiVersion} ${o.object.kind}: install its CRD (the add-on) first`,
    });
    return;
  }
  const before = live.get(keyOf(ref));
  if (!run.options.reconcileAll && before !== undefined && unchangedSinceApply(before, o.object)) {
    run.record({ ref, tenant: o.tenant, outcome: "unchanged" });
    return;
  }
  try {
    run.record({ ref, tenant: o.tenant, outcome: await applyOne(run.client, info, o, before, run.dryRun) });
  } catch (error) {
    run.failed(ref, o.tenant, error);
  }
}

/** Generated secrets, each recorded; a failure is recorded as one object of the tenant (or of the platform). */
async function recordSecrets(
  run: ApplyRun,
  tenant: string | undefined,
  ensure: () => Promise<readonly ObjectResult[]>,
): Promise<void> {
  try {
    for (const s of await ensure()) run.record({ ...s });
  } catch (error) {
    run.failed(
      { apiVersion: "v1", kind: "Secret", namespace: undefined, name: "(generated secrets)" },
      tenant,
      error,
    );
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

/**
 * The resources of what is rendered, plus what decides whether a namespace may go (Secrets,
 * volume claims, ConfigMaps, ExternalSecrets, databases): listed once, metadata only.
 */
const ALSO_LISTED: readonly [string, string][] = [
  ["v1", "Secret"],
  ["v1", "ConfigMap"],
  ["v1", "PersistentVolumeClaim"],
  ["external-secrets.io/v1", "ExternalSecret"],
  ["postgresql.cnpg.io/v1", "Cluster"],
  ["postgresql.cnpg.io/v1", "Database"],
];

async function resolveResources(
  client: KubeClient,
  objects: readonly RenderedObject[],
): Promise<Map<string, ResourceInfo | undefined>> {
  const out = new Map<string, ResourceInfo | undefined>();
  const wanted = [...objects.map((o) => [o.object.apiVersion, o.object.kind] as const), ...ALSO_LISTED];
  for (const [apiVersion, kind] of wanted) {
    const key = `${apiVersion}/${kind}`;
    if (!out.has(key)) out.set(key, await client.resourceFor(apiVersion, kind));
  }
  return out;
}

/** Every existing object of these resources, by identity, whoever created it (metadata only). */
async function listExisting(
  client: KubeClient,
  infos: readonly ResourceInfo[],
): Promise<Map<string, LiveObject>> {
  const lists = await Promise.all(infos.map((info) => client.listMetadata(info)));
  return byKey(lists.flat() as LiveObject[]);
}

/** Objects of every listable kind that carry the platform's labels (prune candidates of kinds no longer rendered). */
async function listLabelledEverywhere(
  client: KubeClient,
  selector: string,
): Promise<Map<string, LiveObject>> {
  const found: LiveObject[] = [];
  await forEachLimited(await client.listableResources(), 8, async (info) => {
    try {
      found.push(...((await client.listMetadata(info, undefined, selector)) as LiveObject[]));
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error; // an aggregated API that is down or forbids listing
    }
  });
  return byKey(found);
}

function byKey(objects: readonly LiveObject[]): Map<string, LiveObject> {
  return new Map(objects.map((o) => [keyOf(refOf(o)), o]));
}

/**
 * What may not be applied: a rendered object, or a Secret the generated provider would read,
 * that exists and is not this platform's (unless adopted by name), and everything rendered
 * into a namespace that is not this platform's.
 */
function refusalsOf(
  objects: readonly RenderedObject[],
  generated: readonly { readonly ref: ObjectRef }[],
  live: ReadonlyMap<string, LiveObject>,
  model: Model,
  adopt: readonly string[],
): Map<string, string> {
  const adopted = adoptionMatcher(adopt);
  const out = new Map<string, string>();
  const foreignNamespaces = new Map<string, string>();
  const refuse = (ref: ObjectRef, consequence: string, adoption: string): string | undefined => {
    const existing = live.get(keyOf(ref));
    if (existing === undefined || ownershipOf(existing, model) !== "foreign" || adopted.matches(ref))
      return undefined;
    const name = `${ref.kind}/${ref.namespace === undefined ? "" : `${ref.namespace}/`}${ref.name}`;
    const why = `${describeRef(ref)} exists and ${describeOwner(existing)}; ${consequence} (pass --adopt ${name} to ${adoption})`;
    out.set(keyOf(ref), why);
    return why;
  };
  for (const o of objects) {
    const why = refuse(refOf(o.object), "tenantctl leaves it alone", "take it over");
    if (why !== undefined && o.object.kind === "Namespace")
      foreignNamespaces.set(o.object.metadata.name, why);
  }
  for (const { ref } of generated) refuse(ref, "tenantctl would read its values as the tenant's", "use it");
  for (const o of objects) {
    const namespace = o.object.metadata.namespace;
    const why = namespace === undefined ? undefined : foreignNamespaces.get(namespace);
    const key = keyOf(refOf(o.object));
    if (why !== undefined && !out.has(key)) out.set(key, `not applied into namespace ${namespace}: ${why}`);
  }
  return out;
}

async function prune(
  client: KubeClient,
  model: Model,
  live: ReadonlyMap<string, LiveObject>,
  rendered: Set<string>,
  options: { dryRun: boolean; allowDataLoss: boolean; now: Date },
): Promise<{
  pruned: ObjectRef[];
  keptForData: ObjectRef[];
  keptForContents: { ref: ObjectRef; reason: string }[];
  keptUntil: { ref: ObjectRef; until: string }[];
}> {
  // Only what this platform created (its identity) and tenantctl applied (its field manager).
  const candidates = [...live.entries()]
    .filter(
      ([key, object]) =>
        !rendered.has(key) && ownershipOf(object, model) === "ours" && appliedByTenantctl(object),
    )
    .map(([, object]) => object);
  const pruned: ObjectRef[] = [];
  const keptForData: ObjectRef[] = [];
  const keptForContents: { ref: ObjectRef; reason: string }[] = [];
  const keptUntil: { ref: ObjectRef; until: string }[] = [];
  const retained = (object: LiveObject) => retainedThroughNow(model, object, options.now);
  // Namespaced objects first; a namespace goes last, and only if nothing in it holds data.
  const ordered = [...candidates].sort(
    (a, b) => Number(a.kind === "Namespace") - Number(b.kind === "Namespace"),
  );
  const deleted = new Set<string>();
  for (const object of ordered) {
    const ref = refOf(object);
    const until = isDataBearing(object) ? retained(object) : undefined;
    if (until !== undefined) {
      keptUntil.push({ ref, until });
      continue;
    }
    if (isDataBearing(object) && !options.allowDataLoss) {
      keptForData.push(ref);
      continue;
    }
    if (object.kind === "Namespace") {
      const reason = await whyKeepNamespace(client, model, object.metadata.name, deleted, options);
      if (reason?.until !== undefined) {
        keptUntil.push({ ref, until: reason.until });
        continue;
      }
      if (reason?.data === true) {
        keptForData.push(ref);
        continue;
      }
      if (reason !== undefined) {
        keptForContents.push({ ref, reason: reason.text });
        continue;
      }
    }
    const info = await client.resourceFor(object.apiVersion, object.kind);
    if (!info) continue;
    try {
      await client.call("DELETE", client.path(info, ref.namespace, ref.name), {
        query: { propagationPolicy: "Background", ...(options.dryRun ? { dryRun: "All" } : {}) },
      });
    } catch (error) {
      // Gone already (deleted by someone else, or by its namespace): that is what prune wanted.
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
    }
    deleted.add(keyOf(ref));
    pruned.push(ref);
  }
  return { pruned, keptForData, keptForContents, keptUntil };
}

/**
 * Why a namespace this platform created must stay: deleting it deletes everything in it, so
 * it goes only when every object it holds (every listable namespaced kind the cluster serves)
 * is this platform's and none holds data, apart from what the API server and controllers
 * make by themselves (the root CA ConfigMap, the default service account, owned objects).
 */
async function whyKeepNamespace(
  client: KubeClient,
  model: Model,
  namespace: string,
  deleted: ReadonlySet<string>,
  options: { allowDataLoss: boolean; now: Date },
): Promise<{ data: boolean; text: string; until?: string } | undefined> {
  for await (const listed of client.namespacedMetadata(namespace)) {
    const item = listed as LiveObject;
    if (deleted.has(keyOf(refOf(item))) || isSystemGenerated(item)) continue;
    const until = isDataBearing(item) ? retainedThroughNow(model, item, options.now) : undefined;
    if (until !== undefined)
      return { data: true, text: `${describeRef(refOf(item))} is kept through ${until}`, until };
    if (isDataBearing(item) && !options.allowDataLoss)
      return { data: true, text: `${describeRef(refOf(item))} holds data` };
    if (ownershipOf(item, model) !== "ours")
      return {
        data: false,
        text: `it holds ${describeRef(refOf(item))}, which this platform did not create`,
      };
  }
  return undefined;
}

/** The day an offboarded tenant's object is kept through, while that day has not passed. */
function retainedThroughNow(model: Model, object: LiveObject, now: Date): string | undefined {
  const until = retainedUntil(model.offboarded, object);
  return until !== undefined && stillRetained(until, now) ? until : undefined;
}

/** Whether any object was refused, failed or not attempted. */
function incomplete(results: readonly ObjectResult[]): boolean {
  return results.some(
    (r) => r.outcome !== "created" && r.outcome !== "configured" && r.outcome !== "unchanged",
  );
}

function messageOf(error: unknown): string {
  if (error instanceof KubeApiError) return `${error.status} ${error.reason}: ${error.message}`.trim();
  return error instanceof Error ? error.message : String(error);
}
