/**
 * The generic service product: a product declared under `products:` as named components (a
 * web front end, an API, Celery-style workers, a gateway), each a Deployment of one container
 * with its port, routes, autoscaling triggers, node class and the components and data services
 * it talks to. The second implementation of the product contract, beside n8n.
 */
import { own } from "../../lib/own.js";
import type { EffectiveResources } from "../../model/defaults.js";
import { res } from "../../model/defaults.js";
import { dnsLabel } from "../../model/names.js";
import type { Component, ServiceProduct } from "../../input/schema.js";
import type {
  DataServiceKind,
  ProductDeclaration,
  ProductSecret,
  WorkloadDeclaration,
} from "../contract/declaration.js";

/** What `talksTo` names for each data service. */
export const DATA_SERVICE_OF = {
  postgres: "database",
  redis: "redis",
  rabbitmq: "rabbitmq",
} as const satisfies Record<string, DataServiceKind>;

/** A component's container when it says nothing of its resources. */
export const DEFAULT_COMPONENT_RESOURCES: EffectiveResources = res("100m", "128Mi", "500m", "512Mi");
/** The uid a component runs as unless it names one: never root (Pod Security restricted). */
export const DEFAULT_COMPONENT_USER = 10001;

const declarations = new WeakMap<ServiceProduct, ProductDeclaration>();

/** The declaration of a product of `products:` (one per definition: 1,000 tenants share it). */
export function serviceDeclaration(name: string, definition: ServiceProduct): ProductDeclaration {
  const known = declarations.get(definition);
  if (known !== undefined) return known;
  const workloads = Object.entries(definition.components).map(([component, c]) =>
    componentWorkload(component, c, definition),
  );
  const dataServices = [...new Set(workloads.flatMap((w) => w.talksTo.dataServices))].sort();
  const declaration: ProductDeclaration = {
    name,
    kind: "service",
    // Routes and callers reach each component on its own port; the product's is the first one's.
    httpPort: workloads.find((w) => w.port !== undefined)?.port ?? 8080,
    workloads: () => workloads,
    dataServices: () => dataServices,
    secrets: secretsOf(name, definition),
    maxReplicaSettings: workloads
      .filter((w) => w.max > w.min)
      .map((w) => `products.${name}.components.${w.component}.replicas.max`),
    release: (settings) =>
      new Map(
        Object.entries(definition.components).map(([component, c]) => [
          `images.${component}`,
          settings.images[component] ?? c.image,
        ]),
      ),
    check: () => [],
  };
  declarations.set(definition, declaration);
  return declaration;
}

function componentWorkload(component: string, c: Component, product: ServiceProduct): WorkloadDeclaration {
  const min = c.replicas?.min ?? 1;
  const talks = c.talksTo ?? [];
  return {
    component,
    min,
    max: c.replicas?.max ?? Math.max(min, 1),
    containers: [componentResources(c)],
    public: (c.routes ?? []).length > 0,
    internet: c.internet ?? false,
    metrics: false,
    port: c.port,
    talksTo: {
      workloads: talks.filter((t) => t !== component && own(product.components, t) !== undefined).sort(),
      dataServices: [...new Set(talks.flatMap((t) => own<DataServiceKind>(DATA_SERVICE_OF, t) ?? []))].sort(),
    },
    nodeClass: c.nodeClass ?? "general",
  };
}

/** The component's requests and limits: its own, the rest from the defaults. */
export function componentResources(c: Component): EffectiveResources {
  const d = DEFAULT_COMPONENT_RESOURCES;
  return {
    requests: {
      cpu: c.resources?.requests?.cpu ?? d.requests.cpu,
      memory: c.resources?.requests?.memory ?? d.requests.memory,
    },
    limits: {
      cpu: c.resources?.limits?.cpu ?? d.limits.cpu,
      memory: c.resources?.limits?.memory ?? d.limits.memory,
    },
  };
}

/** The Secret a component's `secretEnv` item becomes in the tenant's namespace. */
export function secretEnvSecret(product: string, item: string): string {
  return dnsLabel(product, "env", item);
}

/**
 * One secret per item that some component's `secretEnv` names, with every key read from it:
 * values the user keeps in AWS Secrets Manager at `<zone>/<tenant>/<item>`, never generated.
 */
function secretsOf(name: string, definition: ServiceProduct): ProductSecret[] {
  const keys = new Map<string, Set<string>>();
  for (const c of Object.values(definition.components)) {
    for (const { item, key } of Object.values(c.secretEnv ?? {})) {
      const set = keys.get(item) ?? new Set<string>();
      set.add(key);
      keys.set(item, set);
    }
  }
  return [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([item, set]) => ({
      purpose: `env-${item}`,
      name: secretEnvSecret(name, item),
      keys: [...set].sort(),
      source: "external",
      item,
      dataBearing: false,
    }));
}
