/**
 * An on-demand backup in the cluster (`tenantctl backup --in-cluster`): a CloudNativePG `Backup`
 * of the tenant's own server, to its own object-store prefix. It is a record of a moment, not
 * desired state: it carries the tenant's labels but not the platform's identity, so neither
 * `apply` nor Argo CD prunes it (and deleting it would not delete the backup in the object store).
 */
import { failure } from "../diagnostics/diagnostic.js";
import { ownsServer } from "../model/data-services.js";
import { LABEL } from "../model/names.js";
import type { TenantModel } from "../model/resolve.js";
import type { KubeClient } from "./kube-client.js";

export interface ClusterBackup {
  readonly namespace: string;
  readonly name: string;
  readonly phase: string | undefined;
  readonly error: string | undefined;
}

function backupsPath(namespace: string): string {
  return `/apis/postgresql.cnpg.io/v1/namespaces/${namespace}/backups`;
}

export async function requestClusterBackup(
  client: KubeClient,
  tenant: TenantModel,
  now: Date = new Date(),
  purpose: "manual" | "offboard" = "manual",
): Promise<ClusterBackup> {
  if (
    !ownsServer(tenant.settings, tenant.product.dataServices, "database") ||
    tenant.settings.database.isolation !== "cluster"
  )
    throw failure(
      "backup/not-own-server",
      `${tenant.name}'s database is ${tenant.settings.database.isolation === "rds" ? "on RDS" : "on its zone's server"}: there is no server of its own to back up`,
      tenant.settings.database.isolation === "rds"
        ? "take an RDS snapshot (aws rds create-db-snapshot); the AWS layer keeps automated backups"
        : "back up the zone's server (its scheduled backups and WAL archive cover every database on it)",
    );
  const stamp = now
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d+Z$/, "");
  const name = `${tenant.data.databaseCluster}-${purpose}-${stamp}`;
  const body = {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Backup",
    metadata: {
      name,
      namespace: tenant.namespace,
      labels: { [LABEL.tenant]: tenant.name, [LABEL.zone]: tenant.zone.name },
    },
    spec: { cluster: { name: tenant.data.databaseCluster }, method: "barmanObjectStore" },
  };
  await client.call("POST", backupsPath(tenant.namespace), {
    body,
    query: { fieldValidation: "Strict" },
  });
  return { namespace: tenant.namespace, name, phase: undefined, error: undefined };
}

/** Follows a Backup until CloudNativePG says completed or failed, reporting each phase. */
export async function waitForClusterBackup(
  client: KubeClient,
  backup: ClusterBackup,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<ClusterBackup> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | undefined;
  for (;;) {
    const live = await client.call<{ status?: { phase?: string; error?: string } }>(
      "GET",
      `${backupsPath(backup.namespace)}/${backup.name}`,
    );
    const phase = live.body.status?.phase;
    if (phase !== seen) {
      progress(`  ${backup.name}: ${phase ?? "waiting for CloudNativePG"}`);
      seen = phase;
    }
    if (phase === "completed" || phase === "failed")
      return { ...backup, phase, error: live.body.status?.error };
    if (Date.now() > deadline)
      throw failure(
        "backup/timeout",
        `${backup.name} is ${phase ?? "not started"} after ${Math.round(timeoutMs / 1000)} s`,
        `follow it with kubectl -n ${backup.namespace} get backup ${backup.name}; is the CloudNativePG operator running?`,
      );
    await new Promise((r) => setTimeout(r, 2000));
  }
}
