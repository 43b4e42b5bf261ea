import { own } from "../lib/own.js";
import type { EffectiveSettings } from "./defaults.js";
import { type RegistryModel, registryOf } from "./registry.js";
import { type NodePoolPlan, nodePoolPlan } from "./node-pools.js";
import { effectiveSettings, settingAt, tenantHostname, tenantProduct } from "./settings.js";
import {
  databaseInstances,
  type EffectiveQuota,
  effectiveQuota,
  type Footprint,
  footprint,
} from "./footprint.js";
import type {
  DataServiceKind,
  ProductKind,
  ProductDeclaration,
  ProductSecret,
  WorkloadDeclaration,
} from "../products/contract/declaration.js";
import {
  ADDON_NAMES,
  ADDONS_OFF_BY_DEFAULT,
  type AddonName,
  ADDONS_WHEN_NEEDED,
  type Platform,
  type SecretProvider,
  type ServiceProduct,
} from "../input/schema.js";
import {
  backupBucket,
  platformKey,
  redisPrefix,
  sharedDataIdentifier,
  type TenantDataNames,
  tenantDataNames,
  tenantNamespace,
} from "./names.js";

/**
 * The Model: the spec with every default applied, every name given and every zone relation
 * worked out, so that renderers, the runtime and verify read decisions instead of making them.
 */
export interface ZoneModel {
  readonly name: string;
  /** The platform (spec metadata.name) the zone belongs to. */
  readonly platform: string;
  readonly customerData: boolean;
  readonly customerDataCidrs: readonly string[];
  /**
   * Networks this zone's pods must never reach: its own denyEgressTo and, for a zone without
   * customer data, every customer-data network of the platform.
   */
  readonly deniedEgressCidrs: readonly string[];
  readonly dedicatedNodes: boolean;
  readonly allowSharedDataServices: boolean;
}

export interface TenantModel {
  readonly name: string;
  /** The platform (spec metadata.name) the tenant belongs to. */
  readonly platform: string;
  readonly zone: ZoneModel;
  readonly namespace: string;
  readonly hostname: string;
  readonly settings: EffectiveSettings;
  /** The product the tenant runs, as its declaration resolves for the tenant's settings. */
  readonly product: ProductModel;
  /** What the tenant's own pods request at their minimum and maximum replicas. */
  readonly footprint: Footprint;
  readonly quota: EffectiveQuota;
  readonly databaseInstances: number;
  /** Names of the tenant's data services and their credentials. */
  readonly data: TenantDataNames;
  /** Prefix of every Redis key and channel of the tenant (for n8n: the Bull queue and its own). */
  readonly redisPrefix: string;
  /** Its database and role name on a zone's shared PostgreSQL: opaque, not the tenant's name. */
  readonly sharedDataIdentifier: string;
}

export interface ProductModel {
  readonly name: string;
  readonly kind: ProductKind;
  /** A service product's definition (its components as the spec declares them); undefined for n8n. */
  readonly definition: ServiceProduct | undefined;
  readonly httpPort: number;
  readonly workloads: readonly WorkloadDeclaration[];
  readonly dataServices: readonly DataServiceKind[];
  readonly secrets: readonly ProductSecret[];
  /** What the tenant runs of it (spec path → value: n8n.version, images.<component>). */
  readonly release: ReadonlyMap<string, string>;
  /** The release setting its database schema follows, when its product migrates one (n8n.version). */
  readonly schemaRelease: string | undefined;
  /** While a change of that release is under way: the value the data is moving from. */
  readonly upgradingFrom: string | undefined;
  /** The workload that migrates its database on start (n8n's main), when it has one. */
  readonly migrator: string | undefined;
}

export interface AddonModel {
  readonly name: AddonName;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface Model {
  readonly platform: string;
  readonly cluster: Platform["cluster"];
  readonly gitops: Platform["gitops"];
  /** Where this cluster's tree lives in the output directory: "" alone, clusters/<name> as one of several. */
  readonly treeRoot: string;
  /** The products' ECR repositories and CI roles, on the cluster whose account holds them. */
  readonly registry: RegistryModel | undefined;
  readonly secretProvider: SecretProvider;
  readonly ingress: Platform["ingress"];
  readonly backups: { readonly bucket: string; readonly retention: string; readonly schedule: string };
  readonly zones: readonly ZoneModel[];
  readonly tenants: readonly TenantModel[];
  /** The Karpenter pools the cluster runs. */
  readonly nodePools: readonly NodePoolPlan[];
  /** The enabled add-ons, in a fixed order, with the user's Helm values. */
  readonly addons: readonly AddonModel[];
  /** The cost model's assumptions (`tenantctl cost`). */
  readonly cost: Platform["cost"];
  /** Tenants that left, whose data is kept until their date. */
  readonly offboarded: Platform["offboarded"];
  /** Per-tenant Grafana, metrics proxy and log routing: on with the metrics, Loki and log agent add-ons. */
  readonly observability: Platform["observability"] & { readonly enabled: boolean };
}

/** The add-ons a tenant's own Grafana reads from and its logs go through. */
export const OBSERVABILITY_ADDONS = ["kubePrometheusStack", "loki", "fluentBit"] as const;

/** Where a cluster sits among several: its tree's directory, and whether its account holds the registry. */
export interface Placement {
  readonly treeRoot: string;
  readonly registry: RegistryModel | undefined;
}

/** Resolves a one-cluster spec (a spec with clusters: is resolved per cluster by model/resolve-clusters.ts). */
export function resolve(spec: Platform, placement?: Placement): Model {
  const { treeRoot, registry } = placement ?? { treeRoot: "", registry: registryOf(spec, undefined) };
  const zones = resolveZones(spec);
  const key = platformKey(spec.metadata.name, spec.cluster.name, spec.cluster.awsAccountId);
  const tenants = spec.tenants.map((_, i) => resolveTenant(spec, i, zones, key));
  const addons = resolveAddons(spec, tenants);
  return {
    platform: spec.metadata.name,
    cluster: spec.cluster,
    gitops: spec.gitops,
    treeRoot,
    registry,
    secretProvider: spec.secrets.provider,
    ingress: spec.ingress,
    backups: {
      bucket: spec.backups.bucket ?? backupBucket(spec.metadata.name, spec.cluster.name),
      retention: spec.backups.retention,
      schedule: spec.backups.schedule,
    },
    zones: [...zones.values()],
    tenants,
    nodePools: nodePoolPlan([...zones.values()], tenants),
    addons,
    cost: spec.cost,
    offboarded: spec.offboarded,
    observability: {
      ...spec.observability,
      enabled: OBSERVABILITY_ADDONS.every((name) => addons.some((a) => a.name === name)),
    },
  };
}

/** Zones by name, each with the networks it must never reach (an internal zone: every customer-data network). */
function resolveZones(spec: Platform): Map<string, ZoneModel> {
  const allCustomerDataCidrs = Object.values(spec.zones).flatMap((z) =>
    z.customerData ? z.customerDataCidrs : [],
  );
  const zones = new Map<string, ZoneModel>();
  for (const name of Object.keys(spec.zones).sort()) {
    const zone = spec.zones[name];
    if (zone === undefined) continue;
    const denied = zone.customerData ? zone.denyEgressTo : [...zone.denyEgressTo, ...allCustomerDataCidrs];
    zones.set(name, {
      name,
      platform: spec.metadata.name,
      customerData: zone.customerData,
      customerDataCidrs: zone.customerDataCidrs,
      deniedEgressCidrs: [...new Set(denied)].sort(),
      dedicatedNodes: zone.dedicatedNodes,
      allowSharedDataServices: zone.allowSharedDataServices,
    });
  }
  return zones;
}

function resolveTenant(
  spec: Platform,
  i: number,
  zones: ReadonlyMap<string, ZoneModel>,
  platformKey: string,
): TenantModel {
  const tenant = spec.tenants[i];
  const zone = zones.get(tenant?.zone ?? "");
  // The rules refuse unknown zones before anything is resolved: reaching this is a bug.
  if (tenant === undefined || zone === undefined) throw new Error(`resolve: tenants[${i}] has no known zone`);
  const settings = effectiveSettings(spec, i);
  const product = tenantProduct(spec, i);
  // The rules refuse unknown products before anything is resolved, as they do unknown zones.
  if (product === undefined) throw new Error(`resolve: tenants[${i}] has no known product`);
  return {
    name: tenant.name,
    platform: spec.metadata.name,
    zone,
    namespace: tenantNamespace(tenant.name),
    hostname: tenantHostname(spec, i),
    settings,
    product: {
      name: product.name,
      kind: product.kind,
      definition: product.kind === "service" ? own(spec.products, product.name) : undefined,
      httpPort: product.httpPort,
      workloads: product.workloads(settings),
      dataServices: product.dataServices(settings),
      secrets: product.secrets,
      release: product.release(settings),
      schemaRelease: product.schemaRelease,
      upgradingFrom: upgradingFrom(product, settings),
      migrator: product.migrator,
    },
    footprint: footprint(settings, product),
    quota: effectiveQuota(settings),
    databaseInstances: databaseInstances(settings),
    data: tenantDataNames(product.name, settings.database.restore?.generation),
    redisPrefix: redisPrefix(product.name, tenant.name),
    sharedDataIdentifier: sharedDataIdentifier(platformKey, tenant.name),
  };
}

/**
 * The enabled add-ons in a fixed order: on by default unless listed as off by default, or,
 * for the RabbitMQ operators, where some tenant has RabbitMQ.
 */
/** Whether an add-on is on: as the spec says, else by default (the RabbitMQ operators when a tenant needs them). */
export function addonEnabled(
  spec: Pick<Platform, "addons">,
  name: AddonName,
  rabbitmqNeeded: boolean,
): boolean {
  const setting = spec.addons[name];
  if (setting === undefined)
    return ADDONS_WHEN_NEEDED.includes(name) ? rabbitmqNeeded : !ADDONS_OFF_BY_DEFAULT.includes(name);
  return typeof setting === "boolean" ? setting : setting.enabled;
}

function resolveAddons(spec: Platform, tenants: readonly TenantModel[]): AddonModel[] {
  const rabbitmq = tenants.some((t) => t.product.dataServices.includes("rabbitmq"));
  return ADDON_NAMES.flatMap((name): AddonModel[] => {
    const setting = spec.addons[name];
    const enabled = addonEnabled(spec, name, rabbitmq);
    const values = typeof setting === "object" ? (setting.values ?? {}) : {};
    return enabled ? [{ name, values }] : [];
  });
}

/** The release the tenant's database schema follows ("n8n.version" → its value), when its product migrates one. */
export function schemaVersion(tenant: TenantModel): { key: string; version: string } | undefined {
  const key = tenant.product.schemaRelease;
  const version = key === undefined ? undefined : tenant.product.release.get(key);
  return key === undefined || version === undefined ? undefined : { key, version };
}

/** The schema release a tenant's data is moving from, while a change is under way (its product's upgradeFrom setting). */
export function upgradingFrom(product: ProductDeclaration, settings: EffectiveSettings): string | undefined {
  const path = product.upgradeFromSetting;
  const value = path === undefined ? undefined : settingAt(settings, path.split("."));
  return typeof value === "string" ? value : undefined;
}
