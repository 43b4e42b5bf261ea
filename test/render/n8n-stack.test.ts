import { describe, expect, it } from "vitest";
import { N8N, tenantDataNames } from "../../src/model/names.js";
import { N8N_SECRET } from "../../src/products/n8n/declaration.js";

const DATA_NAMES = tenantDataNames("n8n");
import type { KubernetesObject } from "../../src/manifest/object.js";
import { restrictedViolations } from "../../src/verify/pod-security.js";
import { podSpecOf } from "../../src/verify/workloads.js";
import { validSpec } from "../support/example.js";
import { platform } from "../support/platforms.js";
import { exampleWith } from "../support/spec-text.js";
import { render } from "../../src/render/render.js";
import { PINNED } from "../../src/versions.js";

type Obj = Record<string, unknown>;
type Container = { name: string; image: string; env?: { name: string; value?: string; valueFrom?: Obj }[] };

const example = platform("example");
const shared = platform("shared-services");
const all = [...example.objects, ...shared.objects];

const objectsOf = (objects: typeof all, tenant: string) =>
  objects.filter((o) => o.tenant === tenant).map((o) => o.object);
const find = (objects: KubernetesObject[], kind: string, name: string): KubernetesObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};
const containers = (deployment: KubernetesObject): Container[] =>
  (podSpecOf(deployment)?.containers ?? []) as Container[];
const envOf = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e]));
const secretRef = (e: { valueFrom?: Obj } | undefined) =>
  (e?.valueFrom?.secretKeyRef as { name: string; key: string } | undefined) ?? undefined;

describe("n8n in queue mode", () => {
  const initech = objectsOf(example.objects, "initech");
  const deployments = ["main", "worker", "webhook"].map((r) => find(initech, "Deployment", `n8n-${r}`));

  it("runs main, workers and webhook processors with their commands", () => {
    expect(deployments.map((d) => (containers(d)[0] as unknown as { args: string[] }).args[0])).toEqual([
      "start",
      "worker",
      "webhook",
    ]);
    for (const d of deployments)
      expect(envOf(containers(d)[0] as Container).get("EXECUTIONS_MODE")?.value).toBe("queue");
  });

  it("gives main, worker and webhook the same encryption key secret", () => {
    const refs = deployments.map((d) =>
      secretRef(envOf(containers(d)[0] as Container).get("N8N_ENCRYPTION_KEY")),
    );
    expect(refs[0]).toEqual({ key: "encryptionKey", name: N8N_SECRET.encryptionKey.name });
    expect(refs[1]).toEqual(refs[0]);
    expect(refs[2]).toEqual(refs[0]);
  });

  it("never carries a literal secret in any env var of any rendered workload", () => {
    const secretish = /(PASSWORD|SECRET|TOKEN|ENCRYPTION_KEY|AUTH|SSL_CA|SSL_KEY)$/;
    const workloads = all.map((o) => o.object).filter((o) => podSpecOf(o) !== undefined);
    expect(workloads.length).toBeGreaterThan(20);
    for (const w of workloads) {
      for (const c of containers(w)) {
        for (const e of c.env ?? []) {
          if (secretish.test(e.name))
            expect(e.value, `${w.metadata.namespace}/${w.metadata.name} ${c.name} ${e.name}`).toBeUndefined();
        }
      }
    }
  });

  it("renders no Secret object at all, with either provider", () => {
    expect(all.filter((o) => o.object.kind === "Secret")).toEqual([]);
  });

  it("gives the runner sidecar no database credentials and no encryption key", () => {
    const runner = containers(deployments[1] as KubernetesObject).find((c) => c.name === "task-runner");
    expect(runner?.image).toBe(`docker.n8n.io/n8nio/runners:${PINNED.n8n}`);
    const names = [...envOf(runner as Container).keys()];
    expect(
      names.filter((n) => n.startsWith("DB_") || n === "N8N_ENCRYPTION_KEY" || n.startsWith("QUEUE_")),
    ).toEqual([]);
    expect(names).toContain("N8N_RUNNERS_AUTH_TOKEN");
    expect(
      envOf(containers(deployments[1] as KubernetesObject)[0] as Container).get("N8N_RUNNERS_MODE")?.value,
    ).toBe("external");
  });

  it("runs a runner next to main only for releases whose main still executes code (before 2.13)", () => {
    const names = (d: KubernetesObject) => containers(d).map((c) => c.name);
    expect(names(deployments[0] as KubernetesObject)).toEqual(["n8n"]);
    const pinned = render(
      validSpec(
        exampleWith((doc) => doc.setIn(["tenants", 2, "n8n"], doc.createNode({ version: "1.123.81" }))),
      ),
    );
    const main = find(objectsOf(pinned, "initech"), "Deployment", "n8n-main");
    expect(names(main)).toEqual(["n8n", "task-runner"]);
    expect(containers(main).find((c) => c.name === "task-runner")?.image).toBe(
      "docker.n8n.io/n8nio/runners:1.123.81",
    );
    expect(envOf(containers(main)[0] as Container).get("N8N_RUNNERS_ENABLED")?.value).toBe("true");
    expect(
      envOf(containers(deployments[0] as KubernetesObject)[0] as Container).has("N8N_RUNNERS_ENABLED"),
    ).toBe(false);
  });

  it("probes /healthz and /healthz/readiness, with queue health checks on workers", () => {
    for (const d of deployments) {
      const c = containers(d)[0] as unknown as Obj;
      expect((c.livenessProbe as { httpGet: { path: string } }).httpGet.path).toBe("/healthz");
      expect((c.readinessProbe as { httpGet: { path: string } }).httpGet.path).toBe("/healthz/readiness");
    }
    expect(
      envOf(containers(deployments[1] as KubernetesObject)[0] as Container).get("QUEUE_HEALTH_CHECK_ACTIVE")
        ?.value,
    ).toBe("true");
  });

  it("turns on metrics on main and workers, queue metrics on main only, and keeps production webhooks off main when processors exist", () => {
    const [main, worker] = deployments.map((d) => envOf(containers(d)[0] as Container));
    expect(main?.get("N8N_METRICS_INCLUDE_QUEUE_METRICS")?.value).toBe("true");
    expect(main?.get("N8N_DISABLE_PRODUCTION_MAIN_PROCESS")?.value).toBe("true");
    expect(worker?.get("N8N_METRICS")?.value).toBe("true");
    expect(worker?.has("N8N_METRICS_INCLUDE_QUEUE_METRICS")).toBe(false);
  });

  it("pins the default n8n image once and lets a tenant override it", () => {
    const text = exampleWith((doc) => doc.setIn(["tenants", 2, "n8n"], { version: "2.3.2" }));
    const objects = render(validSpec(text));
    const images = objects
      .filter(
        (o) =>
          o.tenant === "initech" &&
          o.object.kind === "Deployment" &&
          o.object.metadata.name.startsWith("n8n-"),
      )
      .flatMap((o) => containers(o.object).map((c) => c.image));
    expect(new Set(images)).toEqual(
      new Set(["docker.n8n.io/n8nio/n8n:2.3.2", "docker.n8n.io/n8nio/runners:2.3.2"]),
    );
  });

  it("takes replicas and resources from the spec", () => {
    const globex = objectsOf(example.objects, "globex");
    expect((find(globex, "Deployment", "n8n-worker").spec as Obj).replicas).toBe(2);
    expect(containers(find(globex, "Deployment", "n8n-worker"))[0]).toMatchObject({
      args: ["worker", "--concurrency=20"],
    });
  });
});

describe("every pod template", () => {
  it("passes Pod Security restricted and has requests and limits", () => {
    const workloads = all.map((o) => o.object).filter((o) => podSpecOf(o) !== undefined);
    for (const w of workloads) {
      const pod = podSpecOf(w) as Obj;
      const where = `${w.metadata.namespace}/${w.kind}/${w.metadata.name}`;
      expect(restrictedViolations(pod), where).toEqual([]);
      expect(pod.automountServiceAccountToken, where).toBe(false);
      for (const c of containers(w) as unknown as { resources?: { requests?: Obj; limits?: Obj } }[]) {
        expect(Object.keys(c.resources?.requests ?? {}).sort(), where).toEqual(["cpu", "memory"]);
        expect(Object.keys(c.resources?.limits ?? {}).sort(), where).toEqual(["cpu", "memory"]);
      }
    }
  });

  it("the restricted check fails when a pod breaks the profile (it can fail)", () => {
    const violations = restrictedViolations({
      hostNetwork: true,
      containers: [{ name: "x", securityContext: { privileged: true } }],
      volumes: [{ name: "h", hostPath: { path: "/" } }],
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        "hostNetwork is true",
        "volume h is of type hostPath",
        "container x is privileged",
        "container x does not drop ALL capabilities",
      ]),
    );
  });

  it("has a PodDisruptionBudget for every n8n deployment", () => {
    for (const tenant of example.model.tenants) {
      const objects = objectsOf(example.objects, tenant.name);
      const deployments = objects.filter(
        (o) => o.kind === "Deployment" && o.metadata.name.startsWith("n8n-"),
      );
      const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata.name);
      expect(pdbs.sort()).toEqual(deployments.map((d) => d.metadata.name).sort());
    }
  });
});

describe("data services by isolation mode", () => {
  it("gives a cluster-mode tenant its own CloudNativePG cluster: 1 instance shared, 2 dedicated, no superuser", () => {
    const cluster = find(objectsOf(example.objects, "initech"), "Cluster", "n8n-db").spec as Obj;
    expect(cluster.instances).toBe(1);
    expect(cluster.enableSuperuserAccess).toBe(false);
    const initdb = (cluster.bootstrap as { initdb: Obj }).initdb;
    expect(initdb).toMatchObject({
      database: "n8n",
      owner: "n8n",
      secret: { name: DATA_NAMES.databaseSecret },
    });
    // The exporter's view of the executions: a function of the tenant's, for pg_monitor only.
    expect((initdb.postInitApplicationSQL as string[]).at(-1)).toMatch(/GRANT EXECUTE .* TO pg_monitor$/);
    expect(cluster.monitoring).toEqual({
      customQueriesConfigMap: [{ key: "queries", name: "n8n-db-monitoring" }],
    });
    expect((cluster.backup as Obj).barmanObjectStore).toMatchObject({
      destinationPath: "s3://acme-acme-prod-db-backups/external/initech/",
    });
    expect((cluster.affinity as Obj).nodeSelector).toEqual({ "tenantctl.io/node-pool": "database" });
    const dedicated = render(
      validSpec(exampleWith((doc) => doc.setIn(["tenants", 1, "database"], { isolation: "cluster" }))),
    );
    const globexDb = dedicated.find((o) => o.tenant === "globex" && o.object.kind === "Cluster")?.object
      .spec as Obj;
    expect(globexDb.instances).toBe(2);
    expect((globexDb.affinity as Obj).nodeSelector).toEqual({ "tenantctl.io/node-pool": "tenant-globex" });
    expect(find(objectsOf(example.objects, "initech"), "ScheduledBackup", "n8n-db-daily").spec).toMatchObject(
      {
        cluster: { name: "n8n-db" },
      },
    );
  });

  it("gives an rds tenant no database in the cluster; its connection comes from the AWS-filled secret", () => {
    const globex = objectsOf(example.objects, "globex");
    expect(globex.some((o) => o.kind === "Cluster")).toBe(false);
    const es = find(globex, "ExternalSecret", DATA_NAMES.databaseSecret).spec as {
      data: { remoteRef: { key: string; property: string } }[];
    };
    expect(es.data.map((d) => d.remoteRef.property)).toEqual([
      "host",
      "port",
      "dbname",
      "username",
      "password",
      "sslCa",
    ]);
    expect(new Set(es.data.map((d) => d.remoteRef.key))).toEqual(new Set(["external/globex/rds"]));
    const env = envOf(containers(find(globex, "Deployment", "n8n-main"))[0] as Container);
    expect(secretRef(env.get("DB_POSTGRESDB_HOST"))).toEqual({
      key: "host",
      name: DATA_NAMES.databaseSecret,
    });
  });

  it("gives database-mode tenants a role and database of their own on the zone cluster, reachable only from them", () => {
    const zone = shared.objects.filter((o) => o.file.startsWith("zones/staff/")).map((o) => o.object);
    const cluster = find(zone, "Cluster", "shared-db").spec as {
      managed: { roles: { name: string }[] };
      postgresql: { pg_hba: string[] };
    };
    // Opaque names: every tenant of the server can list pg_roles and pg_database.
    const [hr, finance] = shared.model.tenants
      .filter((t) => t.zone.name === "staff")
      .map((t) => t.sharedDataIdentifier);
    expect(cluster.managed.roles.map((r) => r.name)).toEqual([hr, finance]);
    for (const name of [hr, finance]) expect(name).toMatch(/^t_[0-9a-f]{24}$/);
    expect(cluster.postgresql.pg_hba).toEqual([
      "hostssl sameuser all all scram-sha-256",
      "host all all all reject",
    ]);
    expect(find(zone, "Database", "n8n-hr").spec).toMatchObject({ name: hr, owner: hr });
  });

  it("gives acl tenants an ACL user confined to their prefix on the zone Redis", () => {
    const deployment = find(
      shared.objects.map((o) => o.object),
      "Deployment",
      "shared-redis",
    );
    expect(deployment.metadata.namespace).toBe("zone-clients-data");
    const hr = objectsOf(shared.objects, "hr");
    expect(hr.some((o) => o.kind === "Deployment" && o.metadata.name === "redis")).toBe(false);
    const env = envOf(containers(find(hr, "Deployment", "n8n-worker"))[0] as Container);
    expect(env.get("QUEUE_BULL_REDIS_HOST")?.value).toBe("shared-redis.zone-staff-data.svc.cluster.local");
    expect(secretRef(env.get("QUEUE_BULL_REDIS_USERNAME"))).toEqual({
      key: "username",
      name: DATA_NAMES.redisSecret,
    });
  });

  it("gives an instance-mode tenant its own password-protected Redis without persistence", () => {
    const redis = containers(
      find(objectsOf(example.objects, "ops"), "Deployment", "redis"),
    )[0] as unknown as { command: string[] };
    const script = redis.command.join(" ");
    expect(script).toContain("requirepass");
    expect(script).toContain("--save ''");
    expect(script).toContain("--appendonly no");
    expect(script).toContain("noeviction");
  });

  it("shares no secret path, database, Redis or key prefix between two tenants", () => {
    for (const { model, objects } of [example, shared]) {
      const prefixes = model.tenants.map((t) => t.redisPrefix);
      expect(new Set(prefixes).size).toBe(prefixes.length);
      const paths = objects
        .filter((o) => o.object.kind === "ExternalSecret" && o.tenant !== undefined)
        .flatMap((o) =>
          ((o.object.spec as { data: { remoteRef: { key: string } }[] }).data ?? []).map(
            (d) => `${o.tenant} ${d.remoteRef.key}`,
          ),
        );
      const owners = new Map<string, Set<string>>();
      for (const entry of paths) {
        const [tenant = "", key = ""] = entry.split(" ");
        owners.set(key, new Set([...(owners.get(key) ?? []), tenant]));
        expect(key.split("/")[1]).toBe(tenant);
      }
      for (const set of owners.values()) expect(set.size).toBe(1);
      const dbHosts = model.tenants.map((t) => {
        const main = objects.find(
          (o) =>
            o.tenant === t.name &&
            o.object.metadata.name === N8N.roles.main &&
            o.object.kind === "Deployment",
        );
        const env = envOf(containers(main?.object as KubernetesObject)[0] as Container);
        return `${env.get("DB_POSTGRESDB_HOST")?.value ?? secretRef(env.get("DB_POSTGRESDB_HOST"))?.name}/${env.get("DB_POSTGRESDB_DATABASE")?.value ?? t.name}`;
      });
      expect(new Set(dbHosts).size).toBe(dbHosts.length);
    }
  });
});

describe("autoscaling, ingress and monitoring", () => {
  it("scales workers with KEDA on the tenant's Bull wait list, min/max/target from the spec", () => {
    const so = find(objectsOf(example.objects, "globex"), "ScaledObject", "n8n-worker").spec as {
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
    };
    expect([so.minReplicaCount, so.maxReplicaCount]).toEqual([2, 12]);
    expect(so.triggers[0]?.type).toBe("redis");
    expect(so.triggers[0]?.metadata).toMatchObject({ listName: "n8n-globex:jobs:wait", listLength: "5" });
    const finance = find(objectsOf(shared.objects, "finance"), "ScaledObject", "n8n-worker").spec as {
      minReplicaCount: number;
    };
    expect(finance.minReplicaCount).toBe(0);
  });

  it("routes production webhooks to webhook processors and everything else to main", () => {
    const rules = (
      find(objectsOf(example.objects, "initech"), "Ingress", "n8n").spec as {
        rules: {
          host: string;
          http: { paths: { path: string; backend: { service: { name: string } } }[] };
        }[];
      }
    ).rules;
    expect(rules[0]?.host).toBe("initech.n8n.acme.example");
    expect(rules[0]?.http.paths.map((p) => [p.path, p.backend.service.name])).toEqual([
      ["/webhook/", "n8n-webhook"],
      ["/", "n8n-main"],
    ]);
    const finance = find(objectsOf(shared.objects, "finance"), "Ingress", "n8n").spec as {
      rules: { http: { paths: unknown[] } }[];
      tls: unknown[];
    };
    expect(finance.rules[0]?.http.paths).toHaveLength(1);
    expect(finance.tls).toEqual([{ hosts: ["finance.flows.globalcorp.example"], secretName: "n8n-tls" }]);
  });

  it("shares one ALB per zone, internet-facing only where the zone serves customers", () => {
    const ann = (t: string) =>
      find(objectsOf(example.objects, t), "Ingress", "n8n").metadata.annotations ?? {};
    expect(ann("initech")["alb.ingress.kubernetes.io/group.name"]).toBe("acme-external");
    expect(ann("initech")["alb.ingress.kubernetes.io/scheme"]).toBe("internet-facing");
    expect(ann("ops")["alb.ingress.kubernetes.io/scheme"]).toBe("internal");
    expect(ann("umbrella")["external-dns.alpha.kubernetes.io/hostname"]).toBe("automation.umbrella.example");
  });

  it("alerts per tenant on backlog, a stuck queue, failing executions, no ready worker, quota, database not ready or nearly full, and failing backups", () => {
    const rule = find(objectsOf(example.objects, "initech"), "PrometheusRule", "n8n-alerts").spec as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const alerts = rule.groups[0]?.rules ?? [];
    expect(alerts.map((r) => r.alert)).toEqual([
      "N8nQueueBacklog",
      "N8nQueueStuck",
      "N8nNoWorkerReady",
      "N8nExecutionsFailing",
      "TenantQuotaUsageHigh",
      "TenantDatabaseNotReady",
      "TenantDatabaseNearlyFull",
      "TenantBackupFailing",
    ]);
    for (const a of alerts) expect(a.expr).toContain('namespace="tenant-initech"');
    // Alertmanager routes by namespace: every alert carries the tenant's.
    for (const a of alerts as { labels?: Record<string, string> }[])
      expect(a.labels?.namespace).toBe("tenant-initech");
  });
});

describe("secrets providers", () => {
  it("reads every secret from the tenant's own zone store and path", () => {
    for (const o of example.objects.filter((x) => x.object.kind === "ExternalSecret")) {
      const tenant = example.model.tenants.find((t) => t.name === o.tenant);
      const spec = o.object.spec as {
        secretStoreRef: { name: string };
        data: { remoteRef: { key: string } }[];
      };
      expect(spec.secretStoreRef.name).toBe(`aws-secrets-${tenant?.platform}-${tenant?.zone.name}`);
      for (const d of spec.data)
        expect(d.remoteRef.key.startsWith(`${tenant?.zone.name}/${tenant?.name}/`)).toBe(true);
    }
  });

  it("keeps data-bearing secrets when their ExternalSecret goes, and protects them from Argo CD pruning", () => {
    const es = find(objectsOf(example.objects, "initech"), "ExternalSecret", N8N_SECRET.encryptionKey.name);
    expect((es.spec as { target: Obj }).target).toMatchObject({
      creationPolicy: "Orphan",
      deletionPolicy: "Retain",
    });
    expect(es.metadata.annotations).toMatchObject({
      "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
      "tenantctl.io/data-bearing": "true",
    });
  });

  it("renders no ExternalSecret with the generated provider", () => {
    expect(shared.objects.filter((o) => o.object.kind === "ExternalSecret")).toEqual([]);
  });
});

describe("network policies of the stack", () => {
  type Peer = { ipBlock?: { cidr: string; except?: string[] }; podSelector?: Obj; namespaceSelector?: Obj };
  const spec = (objects: KubernetesObject[], name: string) =>
    find(objects, "NetworkPolicy", name).spec as Obj;

  it("keeps internal-zone n8n away from customer-data networks and every private range", () => {
    const egress = spec(objectsOf(example.objects, "ops"), "allow-n8n-to-internet").egress as {
      to: Peer[];
    }[];
    const v4 = egress[0]?.to.find((p) => p.ipBlock?.cidr === "0.0.0.0/0");
    expect(v4?.ipBlock?.except).toEqual(
      expect.arrayContaining([
        "10.0.0.0/8",
        "10.50.0.0/16",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
      ]),
    );
    const hr = spec(objectsOf(shared.objects, "hr"), "allow-n8n-to-internet").egress as { to: Peer[] }[];
    expect(hr[0]?.to.flatMap((p) => p.ipBlock?.except ?? [])).toEqual(
      expect.arrayContaining(["203.0.113.0/24", "2001:db8::/32"]),
    );
  });

  it("lets a tenant's database accept only its own n8n pods, its replicas and the operator", () => {
    const ingress = spec(objectsOf(example.objects, "initech"), "allow-database").ingress as {
      from: Peer[];
    }[];
    const clients = ingress[0]?.from ?? [];
    expect(clients).toEqual([
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "n8n" } } },
      { podSelector: { matchLabels: { "cnpg.io/cluster": "n8n-db" } } },
    ]);
    expect(clients.some((p) => p.namespaceSelector !== undefined || p.ipBlock !== undefined)).toBe(false);
  });

  it("lets the load balancer reach only main and webhook processors, from the VPC", () => {
    const policy = spec(objectsOf(example.objects, "initech"), "allow-ingress-to-n8n");
    expect((policy.ingress as { from: Peer[] }[])[0]?.from).toEqual([{ ipBlock: { cidr: "10.0.0.0/16" } }]);
    expect(JSON.stringify(policy.podSelector)).toContain('"values":["main","webhook"]');
  });
});
