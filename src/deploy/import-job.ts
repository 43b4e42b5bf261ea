/**
 * `tenantctl import --kubeconfig`: the source, already proven on a scratch copy on this machine
 * (its key decrypts its credentials, its schema is not newer), restored into the tenant's
 * database in the cluster by a Job in the tenant's namespace: `pg_dump` of the source piped into
 * `pg_restore` of the tenant's database, so the data never lands on a disk between them. The Job
 * runs as the product's migrator (its labels: the tenant's network policies admit it to the
 * database and out to the source; its service account, without a token), with the database's
 * CA verified as the product verifies it. The source's URL goes in a Secret of its own, deleted
 * with the Job. The product's workloads are held at zero while it runs and brought back after.
 *
 * The key must be the tenant's before anything stops: with the `generated` provider tenantctl
 * writes it into the tenant's Secret (the one it replaces kept beside it); with External
 * Secrets it lives in Secrets Manager, where the user puts it (the command says how) and
 * External Secrets brings it in; the import waits for neither and refuses until the cluster's
 * Secret holds a key with the source key's fingerprint.
 */
import { keyFingerprint } from "../lib/key-fingerprint.js";
import { failure } from "../diagnostics/diagnostic.js";
import type { KubernetesObject } from "../manifest/object.js";
import { tenantMeta } from "../manifest/metadata.js";
import { kubernetesConnections } from "../model/connections.js";
import { DATA_BEARING_ANNOTATION, LABEL } from "../model/names.js";
import {
  kubernetesEnv,
  placementFields,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
} from "../manifest/pod.js";
import { placement } from "../model/scheduling.js";
import type { Model, TenantModel } from "../model/resolve.js";
import { tenantSecrets } from "../model/secrets.js";
import { productStack } from "../products/stacks.js";
import { PINNED } from "../versions.js";
import { KubeApiError, type KubeClient } from "./kube-client.js";

export interface ClusterImportOptions {
  /** The source's postgres:// URL, as the cluster reaches it. */
  readonly from: string;
  readonly key: string;
  /** The data key's name in the product's local secrets (n8n: encryptionKey). */
  readonly keyName: string;
  /** An id for the Job's and the source Secret's names. */
  readonly id: string;
  readonly timeoutMs: number;
  readonly progress: (line: string) => void;
}

export interface ClusterImportReport {
  readonly job: string;
  /** Where the tenant's previous key was kept (generated provider), when there was one. */
  readonly previousKey: string | undefined;
  readonly seconds: number;
}

/** The tenant's Secret that holds the product's data key, and the key in it. */
function keySecret(tenant: TenantModel, keyName: string): { name: string; key: string; remote: string } {
  const secret = tenantSecrets(tenant).find((s) => s.dataBearing && s.keys.some((k) => k.key === keyName));
  const entry = secret?.keys.find((k) => k.key === keyName);
  if (secret === undefined || entry === undefined)
    throw new Error(`${tenant.product.name} declares no secret for ${keyName}`);
  return { name: secret.name, key: entry.key, remote: secret.remotePath };
}

async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  try {
    const r = await client.call<{ data?: Record<string, string> }>(
      "GET",
      `/api/v1/namespaces/${namespace}/secrets/${name}`,
    );
    return Object.fromEntries(
      Object.entries(r.body.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
    );
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Makes the source's key the tenant's, or refuses saying how; returns where the previous key was kept. */
async function installKey(
  client: KubeClient,
  model: Model,
  tenant: TenantModel,
  options: ClusterImportOptions,
): Promise<string | undefined> {
  const { name, key, remote } = keySecret(tenant, options.keyName);
  const current = await readSecret(client, tenant.namespace, name);
  if (current?.[key] === options.key) return undefined;
  if (model.secretProvider !== "generated")
    throw failure(
      "import/key-not-installed",
      `${tenant.name}'s key in the cluster (Secret ${tenant.namespace}/${name}, ${current?.[key] === undefined ? "missing" : keyFingerprint(current[key] as string)}) is not the source's (${keyFingerprint(options.key)}); nothing was changed`,
      `put the source's key into Secrets Manager: aws secretsmanager put-secret-value --secret-id ${remote} --secret-string file://<a 0600 file holding {"${key}":"<the key>"}>, let External Secrets sync it (kubectl annotate externalsecret -n ${tenant.namespace} ${name} force-sync=$(date +%s) --overwrite), then import again`,
    );
  const kept = `${name}-before-${options.id}`.slice(0, 63).replace(/-+$/, "");
  if (current !== undefined) {
    // The key that encrypted what the tenant has now: kept beside it, outside the platform's identity (never pruned).
    await client.call("POST", `/api/v1/namespaces/${tenant.namespace}/secrets`, {
      body: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: kept,
          labels: { [LABEL.tenant]: tenant.name },
          annotations: { [DATA_BEARING_ANNOTATION]: "true" },
        },
        stringData: current,
      },
    });
  }
  await client.call("PATCH", `/api/v1/namespaces/${tenant.namespace}/secrets/${name}`, {
    body: { stringData: { [key]: options.key } },
    contentType: "application/merge-patch+json",
  });
  options.progress(
    `the source's key (${keyFingerprint(options.key)}) is now ${tenant.name}'s${current === undefined ? "" : `; the previous one is kept in Secret ${kept}`}`,
  );
  return current === undefined ? undefined : kept;
}

/** The product's migrator Deployment as rendered: whose identity the Job takes. */
function migratorOf(model: Model, tenant: TenantModel): KubernetesObject {
  const migrator = tenant.product.migrator;
  const found = productStack(tenant.product.kind)
    .renderWorkloads(model, tenant)
    .find((o) => o.kind === "Deployment" && o.metadata.labels?.[LABEL.component] === migrator);
  if (found === undefined) throw new Error(`${tenant.product.name} has no migrator workload`);
  return found;
}

/** The Job: pg_dump of the source piped into pg_restore of the tenant's database, as its migrator. */
export function importJob(
  model: Model,
  tenant: TenantModel,
  id: string,
  sourceSecret: string,
): KubernetesObject {
  const migrator = migratorOf(model, tenant);
  const template = (
    migrator.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
    }
  ).template;
  const db = kubernetesConnections(tenant).database;
  // The server's CA, verified as the product verifies it, where the tenant can hold it.
  const ca = db.tls.mode === "verify" ? db.tls.ca : undefined;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: tenantMeta(tenant, `${tenant.product.name}-import-${id}`.slice(0, 63)),
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: template.metadata.labels },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: template.spec.serviceAccountName,
          // On the migrator's pool: a dedicated tenant's data stays on its own nodes.
          ...placementFields(
            placement(
              tenant,
              "app",
              tenant.product.workloads.find((w) => w.component === tenant.product.migrator)?.nodeClass,
            ),
          ),
          automountServiceAccountToken: false,
          // The uid of PostgreSQL's image (its postgres user).
          securityContext: restrictedPodSecurity(26),
          containers: [
            {
              name: "restore",
              image: PINNED.postgresImage,
              command: [
                "/bin/sh",
                "-c",
                'set -o pipefail 2>/dev/null; pg_dump --format=custom --no-owner --no-privileges --dbname="$SOURCE_URL" | pg_restore --verbose --no-owner --no-privileges --clean --if-exists --single-transaction --dbname="$PGDATABASE"',
              ],
              env: [
                { name: "SOURCE_URL", valueFrom: { secretKeyRef: { name: sourceSecret, key: "url" } } },
                ...kubernetesEnv([
                  { name: "PGHOST", from: db.host },
                  { name: "PGPORT", from: db.port },
                  { name: "PGDATABASE", from: db.name },
                  { name: "PGUSER", from: db.user },
                  { name: "PGPASSWORD", from: { secretRef: db.password } },
                  {
                    name: "PGSSLMODE",
                    from: {
                      value: ca !== undefined ? "verify-full" : db.tls.mode === "off" ? "disable" : "require",
                    },
                  },
                  ...(ca !== undefined ? [{ name: "PGSSLROOTCERT", from: { value: "/tls/ca.crt" } }] : []),
                ]),
              ],
              resources: {
                requests: { cpu: "250m", memory: "256Mi" },
                limits: { cpu: "1", memory: "512Mi" },
              },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                ...(ca !== undefined ? [{ name: "ca", mountPath: "/tls", readOnly: true }] : []),
              ],
            },
          ],
          volumes: [
            { name: "tmp", emptyDir: {} },
            ...(ca !== undefined
              ? [{ name: "ca", secret: { secretName: ca.secret, items: [{ key: ca.key, path: "ca.crt" }] } }]
              : []),
          ],
        },
      },
    },
  };
}

const deploymentsPath = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`;

/** Holds the product's workloads at zero; returns what they ran, to bring back. */
async function stopProduct(client: KubeClient, tenant: TenantModel): Promise<Map<string, number>> {
  const list = await client.call<{
    items?: { metadata: { name: string; labels?: Record<string, string> }; spec: { replicas?: number } }[];
  }>("GET", deploymentsPath(tenant.namespace), {
    query: { labelSelector: `app.kubernetes.io/name=${tenant.product.name}` },
  });
  const before = new Map<string, number>();
  for (const d of list.body.items ?? []) {
    before.set(d.metadata.name, d.spec.replicas ?? 1);
    await scale(client, tenant.namespace, d.metadata.name, 0);
  }
  return before;
}

async function scale(client: KubeClient, namespace: string, name: string, replicas: number): Promise<void> {
  await client.call("PATCH", `${deploymentsPath(namespace)}/${name}/scale`, {
    body: { spec: { replicas } },
    contentType: "application/merge-patch+json",
  });
}

interface JobStatus {
  readonly active?: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly conditions?: { type: string; status: string; message?: string }[];
}

export async function importIntoCluster(
  client: KubeClient,
  model: Model,
  tenant: TenantModel,
  options: ClusterImportOptions,
): Promise<ClusterImportReport> {
  const started = performance.now();
  const { progress } = options;
  const previousKey = await installKey(client, model, tenant, options);
  progress(`holding ${tenant.name}'s workloads at zero while its database is replaced`);
  const replicas = await stopProduct(client, tenant);
  const sourceSecret = `${tenant.product.name}-import-source-${options.id}`.slice(0, 63);
  const job = importJob(model, tenant, options.id, sourceSecret);
  await client.call("POST", `/api/v1/namespaces/${tenant.namespace}/secrets`, {
    body: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: sourceSecret, labels: { [LABEL.tenant]: tenant.name } },
      stringData: { url: options.from },
    },
  });
  let outcome: "complete" | "failed" | "timeout" = "timeout";
  let created = false;
  let message = "";
  try {
    const createdJob = await client.call<{ metadata: { uid: string } }>(
      "POST",
      `/apis/batch/v1/namespaces/${tenant.namespace}/jobs`,
      {
        body: job,
        query: { fieldValidation: "Strict" },
      },
    );
    created = true;
    // The source's URL goes with the Job (garbage-collected with it).
    await client.call("PATCH", `/api/v1/namespaces/${tenant.namespace}/secrets/${sourceSecret}`, {
      body: {
        metadata: {
          ownerReferences: [
            {
              apiVersion: "batch/v1",
              kind: "Job",
              name: job.metadata.name,
              uid: createdJob.body.metadata.uid,
            },
          ],
        },
      },
      contentType: "application/merge-patch+json",
    });
    progress(
      `Job ${tenant.namespace}/${job.metadata.name} created: pg_dump of the source into pg_restore of ${tenant.name}'s database`,
    );
    const deadline = Date.now() + options.timeoutMs;
    let said = "";
    while (Date.now() < deadline) {
      const live = await client.call<{ status?: JobStatus }>(
        "GET",
        `/apis/batch/v1/namespaces/${tenant.namespace}/jobs/${job.metadata.name}`,
      );
      const status = live.body.status ?? {};
      const state =
        (status.active ?? 0) > 0
          ? "running"
          : (status.succeeded ?? 0) > 0
            ? "succeeded"
            : (status.failed ?? 0) > 0
              ? "failed"
              : "waiting for a node";
      const seconds = Math.round((performance.now() - started) / 1000);
      if (state !== said) {
        progress(`  ${job.metadata.name}: ${state} (${seconds} s)`);
        said = state;
      }
      const done = status.conditions?.find(
        (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
      );
      if (done !== undefined) {
        outcome = done.type === "Complete" ? "complete" : "failed";
        message = done.message ?? "";
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    // The source's password is needed no more once the Job ended (the owner reference covers an interrupted import).
    if (!created || outcome !== "timeout")
      await client
        .call("DELETE", `/api/v1/namespaces/${tenant.namespace}/secrets/${sourceSecret}`)
        .catch(() => undefined);
  }
  if (outcome !== "complete")
    throw failure(
      "import/job-failed",
      `the import Job ${tenant.namespace}/${job.metadata.name} ${outcome === "failed" ? `failed${message ? `: ${message}` : ""}` : `did not finish within ${Math.round(options.timeoutMs / 60_000)} min`}; ${tenant.name}'s workloads stay at zero (its database may be half restored)`,
      `read its log (kubectl logs -n ${tenant.namespace} job/${job.metadata.name}), fix the cause, and import again${previousKey === undefined ? "" : `; the tenant's previous key is in Secret ${previousKey}`}`,
    );
  for (const [name, count] of replicas) await scale(client, tenant.namespace, name, count);
  progress(
    `${tenant.name}'s workloads brought back (${[...replicas].map(([n, c]) => `${n} ${c}`).join(", ")})`,
  );
  return { job: job.metadata.name, previousKey, seconds: (performance.now() - started) / 1000 };
}
