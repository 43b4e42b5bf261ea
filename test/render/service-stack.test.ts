import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { podSpecOf } from "../../src/verify/workloads.js";
import { platform } from "../support/platforms.js";

/**
 * The generic service product as examples/products.yaml renders it: GIVEN the shop's
 * components and their declared edges, THEN each gets exactly what it declares.
 */
type Obj = Record<string, unknown>;
const { objects } = platform("products");
const find = (file: string): KubernetesObject => {
  const found = objects.find((o) => o.file === file)?.object;
  if (found === undefined) throw new Error(`no ${file}`);
  return found;
};
const shop = (name: string) => find(`tenants/shop-initech/shop/${name}.yaml`);
const policy = (name: string) => find(`tenants/shop-initech/platform/networkpolicy-${name}.yaml`).spec as Obj;
const envOf = (deployment: KubernetesObject) =>
  new Map(
    (
      (podSpecOf(deployment)?.containers as Obj[])[0]?.env as {
        name: string;
        value?: string;
        valueFrom?: Obj;
      }[]
    ).map((e) => [e.name, e]),
  );

describe("a service product's components", () => {
  it("give each component only the data services it talks to: the web front end none", () => {
    const names = objects
      .filter((o) => o.file.startsWith("tenants/shop-initech/platform/"))
      .map((o) => o.object.metadata.name);
    expect(names).not.toContain("allow-shop-web-to-data");
    const ports = (p: Obj) => (p.egress as { ports: { port: number }[] }[]).map((e) => e.ports[0]?.port);
    expect(ports(policy("allow-shop-api-to-data"))).toEqual([5432, 6379, 5672]);
    expect(ports(policy("allow-shop-automation-to-data"))).toEqual([5432]);
    expect(
      [...envOf(shop("deployment-shop-web")).keys()].filter((k) => /^(PG|REDIS|RABBITMQ)/.test(k)),
    ).toEqual([]);
  });

  it("let a component be called only by the components that declare it, on its port", () => {
    const callers = policy("allow-to-shop-api");
    expect(callers.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["web"] }],
              matchLabels: { "app.kubernetes.io/name": "shop" },
            },
          },
        ],
        ports: [{ port: 8001, protocol: "TCP" }],
      },
    ]);
    expect((policy("allow-shop-web-to-components").egress as Obj[]).length).toBe(1);
  });

  it("admit only the declaring components at the database, Redis and RabbitMQ", () => {
    const clients = (p: Obj) => (p.ingress as { from: Obj[] }[])[0]?.from[0];
    const components = (selector: Obj | undefined) =>
      ((selector?.podSelector as Obj).matchExpressions as { values: string[] }[])[0]?.values;
    expect(components(clients(policy("allow-database")))).toEqual(["api", "worker", "automation"]);
    expect(components(clients(policy("allow-redis")))).toEqual(["api", "worker"]);
    expect(components(clients(policy("allow-rabbitmq")))).toEqual(["api", "worker"]);
  });

  it("hand out connections as references: secrets never as values, the database through PgBouncer with the CA mounted", () => {
    const env = envOf(shop("deployment-shop-api"));
    expect(env.get("PGHOST")?.value).toBe("shop-db-pooler.tenant-shop-initech.svc.cluster.local");
    expect(env.get("PGSSLMODE")?.value).toBe("verify-full");
    for (const secret of [
      "PGPASSWORD",
      "REDIS_PASSWORD",
      "RABBITMQ_PASSWORD",
      "RABBITMQ_USERNAME",
      "STRIPE_API_KEY",
    ]) {
      expect(env.get(secret)?.value, secret).toBeUndefined();
      expect(env.get(secret)?.valueFrom, secret).toBeDefined();
    }
    const certificates = (shop("cluster-shop-db").spec as Obj).certificates as {
      serverAltDNSNames: string[];
    };
    expect(certificates.serverAltDNSNames).toContain("shop-db-pooler.tenant-shop-initech.svc.cluster.local");
    expect((shop("pooler-shop-db-pooler").spec as Obj).pgbouncer).toEqual({ poolMode: "transaction" });
  });

  it("scale the workers on CPU, memory and their queue, counting unacknowledged messages, with a 30 s scale-down window", () => {
    const spec = shop("scaledobject-shop-worker").spec as Obj;
    const triggers = spec.triggers as { type: string; metadata: Obj; authenticationRef?: Obj }[];
    expect(triggers.map((t) => t.type)).toEqual(["cpu", "memory", "rabbitmq"]);
    expect(triggers[2]?.metadata).toEqual({
      host: "http://shop-mq.tenant-shop-initech.svc.cluster.local:15672",
      mode: "QueueLength",
      protocol: "http",
      queueName: "celery",
      value: "20",
      vhostName: "/",
    });
    expect(triggers[2]?.authenticationRef).toEqual({ name: "shop-rabbitmq-trigger" });
    expect(spec).toMatchObject({
      minReplicaCount: 2,
      maxReplicaCount: 8,
      advanced: {
        horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } },
      },
    });
  });

  it("route every host of the tenant through one Ingress, HTTPS only with a redirect, TLS 1.2+", () => {
    const ingress = shop("ingress-shop");
    const rules = (
      ingress.spec as { rules: { host: string; http: { paths: { path: string; backend: Obj }[] } }[] }
    ).rules;
    expect(rules.map((r) => r.host)).toEqual([
      "api.shop-initech.apps.acme.example",
      "automation.shop-initech.apps.acme.example",
      "shop-initech.apps.acme.example",
    ]);
    expect(ingress.metadata.annotations).toMatchObject({
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "external-dns.alpha.kubernetes.io/hostname":
        "api.shop-initech.apps.acme.example,automation.shop-initech.apps.acme.example,shop-initech.apps.acme.example",
    });
  });

  it("put the zone's shared RabbitMQ users on their own vhost, named opaquely, credentials from Secrets Manager", () => {
    const permission = find("zones/internal/permission-shop-shop-staff.yaml").spec as Obj;
    const vhost = find("zones/internal/vhost-shop-shop-staff.yaml").spec as Obj;
    expect(vhost.name).toMatch(/^t_[0-9a-f]{24}$/);
    expect(permission.vhost).toBe(vhost.name);
    expect(JSON.stringify(vhost)).not.toContain("shop-staff");
    const secret = find("zones/internal/externalsecret-mq-shop-staff.yaml").spec as Obj;
    expect(JSON.stringify(secret)).toContain("internal/shop-staff/rabbitmq");
  });
});
