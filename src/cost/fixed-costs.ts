/**
 * What the platform pays whatever its tenants run (the control plane, the system node group,
 * NAT gateways and their traffic, a load balancer per zone, endpoints, keys, the hosted zone),
 * and what each tenant adds directly beside its pods (its secrets, volumes, backups, RDS).
 */
import { bytes } from "../input/quantity.js";
import type { Model, TenantModel } from "../model/resolve.js";
import { tenantSecrets } from "../model/secrets.js";
import { rdsSize } from "../aws/rds-size.js";
import { NODE_VOLUME_GIB } from "./nodes.js";
import { priceOf } from "./price-lookup.js";
import { HOURS_PER_MONTH, type PriceTable } from "./prices.js";

export interface CostLine {
  readonly name: string;
  /** USD per month */
  readonly monthly: number;
  /** The price keys it is computed from. */
  readonly prices: readonly string[];
}

const AZS = 3;
const INTERFACE_ENDPOINTS = 4; // ECR API, ECR Docker, STS, Secrets Manager
const SYSTEM_NODES = 2;
const GIB = 2 ** 30;

export function fixedCosts(model: Model, prices: PriceTable): CostLine[] {
  const p = (key: string) => priceOf(prices, key);
  const h = HOURS_PER_MONTH;
  const nats = model.cluster.natGateways === "one" ? 1 : AZS;
  const lines: CostLine[] = [
    {
      name: "EKS control plane",
      monthly: p("eks:control-plane-hour") * h,
      prices: ["eks:control-plane-hour"],
    },
    {
      name: `system node group (${SYSTEM_NODES} × m7i.large on-demand, ${NODE_VOLUME_GIB} GiB each)`,
      monthly: SYSTEM_NODES * (p("ec2:m7i.large") * h + NODE_VOLUME_GIB * p("ebs:gp3-gb-month")),
      prices: ["ec2:m7i.large", "ebs:gp3-gb-month"],
    },
    {
      name: `NAT gateways (${nats}) and their public IPv4`,
      monthly: nats * (p("nat:hour") + p("ipv4:hour")) * h,
      prices: ["nat:hour", "ipv4:hour"],
    },
    {
      name: `interface endpoints (${INTERFACE_ENDPOINTS} services × ${AZS} zones)`,
      monthly: INTERFACE_ENDPOINTS * AZS * p("vpce:interface-hour") * h,
      prices: ["vpce:interface-hour"],
    },
    {
      name: `KMS keys (cluster secrets, backups, ${model.zones.length} zones)`,
      monthly: (2 + model.zones.length) * p("kms:key-month"),
      prices: ["kms:key-month"],
    },
    { name: "hosted zone", monthly: p("route53:hosted-zone-month"), prices: ["route53:hosted-zone-month"] },
  ];
  if (model.ingress.className === "alb") {
    lines.push({
      name: `load balancers (one per zone: ${model.zones.length}, 1 LCU and 3 public IPv4 each)`,
      monthly: model.zones.length * (p("alb:hour") + p("alb:lcu-hour") + AZS * p("ipv4:hour")) * h,
      prices: ["alb:hour", "alb:lcu-hour", "ipv4:hour"],
    });
  }
  return lines;
}

/** A tenant's own AWS resources beside its pods. */
export function tenantServices(model: Model, tenant: TenantModel, prices: PriceTable): CostLine[] {
  const p = (key: string) => priceOf(prices, key);
  // What a tenant adds to shared things in proportion to itself is its own: traffic, load balancer capacity.
  const lines: CostLine[] = [
    {
      name: `NAT traffic (${model.cost.natGbPerTenantMonth} GB)`,
      monthly: model.cost.natGbPerTenantMonth * p("nat:gb"),
      prices: ["nat:gb"],
    },
  ];
  if (model.ingress.className === "alb") {
    lines.push({
      name: `load balancer capacity (${model.cost.albLcuPerTenant} LCU)`,
      monthly: model.cost.albLcuPerTenant * p("alb:lcu-hour") * HOURS_PER_MONTH,
      prices: ["alb:lcu-hour"],
    });
  }
  if (model.secretProvider === "external-secrets") {
    const secrets = tenantSecrets(tenant).length;
    lines.push({
      name: `${secrets} secrets`,
      monthly: secrets * p("secretsmanager:secret-month"),
      prices: ["secretsmanager:secret-month"],
    });
  }
  const db = tenant.settings.database;
  const storageGiB = bytes(db.storage) / GIB;
  if (!tenant.product.dataServices.includes("database")) return lines;
  if (db.isolation === "cluster" || db.isolation === "database") {
    const volumes = db.isolation === "cluster" ? tenant.databaseInstances : 2;
    lines.push({
      name: `database volumes (${volumes} × ${storageGiB} GiB gp3)`,
      monthly: volumes * storageGiB * p("ebs:gp3-gb-month"),
      prices: ["ebs:gp3-gb-month"],
    });
    lines.push({
      name: "database backups in S3",
      monthly: storageGiB * model.cost.backupGbPerDatabaseGb * p("s3:standard-gb-month"),
      prices: ["s3:standard-gb-month"],
    });
  }
  if (db.isolation === "rds") {
    const size = rdsSize(tenant);
    const copies = size.multiAz ? 2 : 1;
    const key = `rds:${size.instanceClass}`;
    lines.push({
      name: `RDS ${size.instanceClass}${size.multiAz ? " Multi-AZ" : ""}, ${size.storageGiB} GiB`,
      monthly: copies * (p(key) * HOURS_PER_MONTH + size.storageGiB * p("rds:gp3-gb-month")),
      prices: [key, "rds:gp3-gb-month"],
    });
  }
  return lines;
}
