/**
 * The EC2 instance types the cost model packs onto, with what a node can actually give pods:
 * capacity less the kubelet's reservations (the EKS AMI's formula, which Karpenter's own
 * simulation uses) and the eviction threshold, and the pods-per-node limit of the VPC CNI
 * without prefix delegation (ENIs × (IPs per ENI − 1) + 2).
 */
import { EC2_FAMILIES, EC2_SIZES, type Ec2Family } from "./prices.js";

const MIB = 2 ** 20;
const GIB = 2 ** 30;

export interface InstanceType {
  readonly name: string;
  readonly family: Ec2Family;
  readonly vcpu: number;
  readonly memoryBytes: number;
  readonly maxPods: number;
  /** millicores pods may request */
  readonly allocatableCpu: number;
  /** bytes pods may request */
  readonly allocatableMemory: number;
}

const VCPU: Readonly<Record<keyof typeof EC2_SIZES, number>> = {
  large: 2,
  xlarge: 4,
  "2xlarge": 8,
  "4xlarge": 16,
};
const MAX_PODS: Readonly<Record<keyof typeof EC2_SIZES, number>> = {
  large: 29,
  xlarge: 58,
  "2xlarge": 58,
  "4xlarge": 234,
};
const GIB_PER_VCPU: Readonly<Record<string, number>> = { c: 2, m: 4, r: 8 };

/** kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % above four. */
export function reservedCpu(vcpu: number): number {
  const tiers: [number, number][] = [
    [1, 60],
    [1, 10],
    [2, 5],
    [Number.POSITIVE_INFINITY, 2.5],
  ];
  let left = vcpu;
  let millicores = 0;
  for (const [cores, perCore] of tiers) {
    const used = Math.min(left, cores);
    millicores += used * perCore;
    left -= used;
    if (left <= 0) break;
  }
  return Math.round(millicores);
}

/** kube-reserved memory (255 MiB + 11 MiB per pod) plus the 100 MiB hard eviction threshold. */
export function reservedMemory(maxPods: number): number {
  return (255 + 11 * maxPods + 100) * MIB;
}

export function instanceType(family: Ec2Family, size: keyof typeof EC2_SIZES): InstanceType {
  const vcpu = VCPU[size];
  const memoryBytes = vcpu * (GIB_PER_VCPU[family[0] ?? "m"] ?? 4) * GIB;
  const maxPods = MAX_PODS[size];
  return {
    name: `${family}.${size}`,
    family,
    vcpu,
    memoryBytes,
    maxPods,
    allocatableCpu: vcpu * 1000 - reservedCpu(vcpu),
    allocatableMemory: memoryBytes - reservedMemory(maxPods),
  };
}

export const INSTANCE_TYPES: readonly InstanceType[] = EC2_FAMILIES.flatMap((family) =>
  (Object.keys(EC2_SIZES) as (keyof typeof EC2_SIZES)[]).map((size) => instanceType(family, size)),
);
