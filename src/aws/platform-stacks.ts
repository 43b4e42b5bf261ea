/**
 * The whole AWS layer of one platform as CDK stacks, built from the Model alone (no
 * credentials, no look-ups): network, cluster, Karpenter, shared services, a stack per
 * zone and a stack per tenant. Teams with their own CDK app embed it:
 *
 *   const app = new App();
 *   new PlatformStacks(app, "acme", { model: (await loadPlatform("platform.yaml")).model });
 */
import type { Environment, Stack } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { Model } from "../model/resolve.js";
import { STACK_PART, stackName } from "./names.js";
import { CiStack } from "./stacks/ci.js";
import { ClusterStack } from "./stacks/cluster.js";
import { KarpenterStack } from "./stacks/karpenter.js";
import { NetworkStack } from "./stacks/network.js";
import { SharedStack } from "./stacks/shared.js";
import { TenantStack, tenantNeedsAws } from "./stacks/tenant.js";
import { ZoneStack } from "./stacks/zone.js";

export interface PlatformStacksProps {
  readonly model: Model;
}

export class PlatformStacks extends Construct {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly karpenter: KarpenterStack;
  readonly shared: SharedStack;
  readonly zones: ReadonlyMap<string, ZoneStack>;
  readonly tenants: ReadonlyMap<string, TenantStack>;
  /** The registry and CI roles, on the cluster whose account holds them (`ci:`). */
  readonly ci: CiStack | undefined;

  constructor(scope: Construct, id: string, props: PlatformStacksProps) {
    super(scope, id);
    const { model } = props;
    const env: Environment = { account: model.cluster.awsAccountId, region: model.cluster.region };
    const named = (part: string) => {
      const name = stackName(model.platform, model.cluster.name, part);
      return {
        stackName: name,
        env,
        description: `tenantctl: ${model.platform} on ${model.cluster.name}, ${part}`,
      };
    };
    this.network = new NetworkStack(this, STACK_PART.network, { ...named(STACK_PART.network), model });
    this.cluster = new ClusterStack(this, STACK_PART.cluster, {
      ...named(STACK_PART.cluster),
      model,
      vpc: this.network.vpc,
    });
    this.karpenter = new KarpenterStack(this, STACK_PART.karpenter, {
      ...named(STACK_PART.karpenter),
      model,
    });
    this.shared = new SharedStack(this, STACK_PART.shared, { ...named(STACK_PART.shared), model });
    // Stacks that name (not reference) another stack's resources say so: the cluster before its
    // access entries and pod identities, the shared roles before the zone roles that trust them.
    dependsOn([this.karpenter, this.shared], this.cluster);

    const zones = new Map<string, ZoneStack>();
    for (const zone of model.zones) {
      const part = STACK_PART.zone(zone.name);
      const stack = new ZoneStack(this, part, {
        ...named(part),
        model,
        zone,
        backupBucket: this.shared.backupBucket,
        backupKey: this.shared.backupKey,
      });
      dependsOn([stack], this.shared, this.cluster);
      zones.set(zone.name, stack);
    }
    this.zones = zones;

    const tenants = new Map<string, TenantStack>();
    for (const tenant of model.tenants.filter((t) => tenantNeedsAws(model, t))) {
      const part = STACK_PART.tenant(tenant.name);
      const stack = new TenantStack(this, part, {
        ...named(part),
        model,
        tenant,
        vpcId: this.network.vpc.vpcId,
        backupBucket: this.shared.backupBucket,
        backupKey: this.shared.backupKey,
      });
      const zone = zones.get(tenant.zone.name);
      dependsOn([stack], this.network, this.cluster, ...(zone ? [zone] : []));
      tenants.set(tenant.name, stack);
    }
    this.tenants = tenants;
    this.ci =
      model.registry === undefined
        ? undefined
        : new CiStack(this, STACK_PART.ci, { ...named(STACK_PART.ci), model, registry: model.registry });
  }

  /** Every stack, in deployment order. */
  get stacks(): readonly Stack[] {
    return [
      this.network,
      this.cluster,
      this.karpenter,
      this.shared,
      ...this.zones.values(),
      ...this.tenants.values(),
      ...(this.ci === undefined ? [] : [this.ci]),
    ];
  }
}

function dependsOn(stacks: readonly Stack[], ...on: readonly Stack[]): void {
  for (const stack of stacks) for (const other of on) stack.addStackDependency(other);
}
