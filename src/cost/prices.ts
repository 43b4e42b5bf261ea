/**
 * The dated price tables the cost model reads: USD, on-demand list prices, Linux, per region.
 * Every price names its source and the date it was read; `confirmed: false` marks a price that
 * could not be checked against its source when the table was written (the report shows it as
 * such). `--prices FILE` overrides any key (negotiated rates, savings plans).
 *
 * EC2 prices scale linearly within a family (AWS prices an xlarge at twice a large), so each
 * family is given by its `large` price and the sizes are derived.
 */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly asOf: string;
  readonly confirmed: boolean;
}

export type PriceTable = Readonly<Record<string, Price>>;

export const HOURS_PER_MONTH = 730;

const AS_OF = "2026-11-30";
const SRC = {
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
  spot: "https://aws.amazon.com/ec2/spot/pricing/ (assumed average discount; spot prices move hourly)",
  eks: "https://aws.amazon.com/eks/pricing/",
  fargate: "https://aws.amazon.com/fargate/pricing/",
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  ebs: "https://aws.amazon.com/ebs/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  rds: "https://aws.amazon.com/rds/postgresql/pricing/",
  elasticache: "https://aws.amazon.com/elasticache/pricing/",
  secrets: "https://aws.amazon.com/secrets-manager/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  route53: "https://aws.amazon.com/route53/pricing/",
  m7gArticle:
    "https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/ (us-east-1, June 2026)",
} as const;

/** Families the Karpenter pools allow (instance-category c, m, r; generation > 5), as priced here. */
export const EC2_FAMILIES = ["c7g", "m7g", "r7g", "c7i", "m7i", "r7i"] as const;
export type Ec2Family = (typeof EC2_FAMILIES)[number];

type RegionInput = {
  readonly large: Readonly<Record<Ec2Family, number>>;
  readonly flat: Readonly<Record<string, [number, string, keyof typeof SRC]>>;
  readonly confirmed: ReadonlySet<string>;
};

const REGIONS: Readonly<Record<string, RegionInput>> = {
  "us-east-1": {
    large: { c7g: 0.0725, m7g: 0.0816, r7g: 0.1071, c7i: 0.08925, m7i: 0.1008, r7i: 0.1323 },
    flat: {
      "eks:control-plane-hour": [0.1, "per cluster-hour", "eks"],
      "fargate:vcpu-hour": [0.04048, "per vCPU-hour", "fargate"],
      "fargate:gb-hour": [0.004445, "per GB-hour", "fargate"],
      "alb:hour": [0.0225, "per ALB-hour", "elb"],
      "alb:lcu-hour": [0.008, "per LCU-hour", "elb"],
      "nat:hour": [0.045, "per NAT gateway-hour", "vpc"],
      "nat:gb": [0.045, "per GB processed", "vpc"],
      "ipv4:hour": [0.005, "per public IPv4 address-hour", "vpc"],
      "ebs:gp3-gb-month": [0.08, "per GB-month", "ebs"],
      "s3:standard-gb-month": [0.023, "per GB-month", "s3"],
      "rds:db.t4g.small": [0.032, "per instance-hour, Single-AZ", "rds"],
      "rds:db.t4g.medium": [0.065, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.large": [0.168, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.xlarge": [0.336, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.2xlarge": [0.672, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.4xlarge": [1.344, "per instance-hour, Single-AZ", "rds"],
      "rds:gp3-gb-month": [0.115, "per GB-month, Single-AZ", "rds"],
      "elasticache:cache.t4g.micro": [0.016, "per node-hour", "elasticache"],
      "elasticache:cache.t4g.small": [0.032, "per node-hour", "elasticache"],
      "elasticache:cache.t4g.medium": [0.065, "per node-hour", "elasticache"],
      "secretsmanager:secret-month": [0.4, "per secret-month", "secrets"],
      "kms:key-month": [1, "per customer managed key-month", "kms"],
      "vpce:interface-hour": [0.01, "per endpoint ENI (AZ)-hour", "privatelink"],
      "route53:hosted-zone-month": [0.5, "per hosted zone-month", "route53"],
    },
    confirmed: new Set([
      "ec2:m7g.large",
      "eks:control-plane-hour",
      "secretsmanager:secret-month",
      "kms:key-month",
      "ipv4:hour",
    ]),
  },
  "eu-central-1": {
    large: { c7g: 0.0841, m7g: 0.0952, r7g: 0.1263, c7i: 0.1029, m7i: 0.1198, r7i: 0.1562 },
    flat: {
      "eks:control-plane-hour": [0.1, "per cluster-hour", "eks"],
      "fargate:vcpu-hour": [0.04656, "per vCPU-hour", "fargate"],
      "fargate:gb-hour": [0.00511, "per GB-hour", "fargate"],
      "alb:hour": [0.027, "per ALB-hour", "elb"],
      "alb:lcu-hour": [0.008, "per LCU-hour", "elb"],
      "nat:hour": [0.052, "per NAT gateway-hour", "vpc"],
      "nat:gb": [0.052, "per GB processed", "vpc"],
      "ipv4:hour": [0.005, "per public IPv4 address-hour", "vpc"],
      "ebs:gp3-gb-month": [0.0952, "per GB-month", "ebs"],
      "s3:standard-gb-month": [0.0245, "per GB-month", "s3"],
      "rds:db.t4g.small": [0.037, "per instance-hour, Single-AZ", "rds"],
      "rds:db.t4g.medium": [0.074, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.large": [0.191, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.xlarge": [0.382, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.2xlarge": [0.764, "per instance-hour, Single-AZ", "rds"],
      "rds:db.m7g.4xlarge": [1.528, "per instance-hour, Single-AZ", "rds"],
      "rds:gp3-gb-month": [0.137, "per GB-month, Single-AZ", "rds"],
      "elasticache:cache.t4g.micro": [0.018, "per node-hour", "elasticache"],
      "elasticache:cache.t4g.small": [0.036, "per node-hour", "elasticache"],
      "elasticache:cache.t4g.medium": [0.073, "per node-hour", "elasticache"],
      "secretsmanager:secret-month": [0.4, "per secret-month", "secrets"],
      "kms:key-month": [1, "per customer managed key-month", "kms"],
      "vpce:interface-hour": [0.012, "per endpoint ENI (AZ)-hour", "privatelink"],
      "route53:hosted-zone-month": [0.5, "per hosted zone-month", "route53"],
    },
    confirmed: new Set([
      "eks:control-plane-hour",
      "secretsmanager:secret-month",
      "kms:key-month",
      "ipv4:hour",
    ]),
  },
};

/** Sizes priced, with their multiple of `large`. */
export const EC2_SIZES = { large: 1, xlarge: 2, "2xlarge": 4, "4xlarge": 8 } as const;

/** The assumed spot discount per family: spot capacity costs (1 − discount) × on-demand. */
const SPOT_DISCOUNT: Readonly<Record<Ec2Family, number>> = {
  c7g: 0.6,
  m7g: 0.6,
  r7g: 0.6,
  c7i: 0.62,
  m7i: 0.62,
  r7i: 0.62,
};

export const PRICED_REGIONS = Object.keys(REGIONS).sort();

export function priceTable(region: string): PriceTable | undefined {
  const input = REGIONS[region];
  if (input === undefined) return undefined;
  const table: Record<string, Price> = {};
  const put = (key: string, usd: number, unit: string, source: string) => {
    table[key] = { usd, unit, source, asOf: AS_OF, confirmed: input.confirmed.has(key) };
  };
  for (const family of EC2_FAMILIES) {
    for (const [size, multiple] of Object.entries(EC2_SIZES)) {
      const source =
        family === "m7g" && size === "large" && region === "us-east-1" ? SRC.m7gArticle : SRC.ec2;
      put(
        `ec2:${family}.${size}`,
        round6(input.large[family] * multiple),
        "per instance-hour, on-demand Linux",
        source,
      );
    }
    put(`spot-discount:${family}`, SPOT_DISCOUNT[family], "fraction off on-demand (assumption)", SRC.spot);
  }
  for (const [key, [usd, unit, source]] of Object.entries(input.flat)) put(key, usd, unit, SRC[source]);
  return table;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
