/**
 * tenantctl's AWS layer as a library: `import { PlatformStacks } from "tenantctl/aws"`, for
 * teams that embed the platform's stacks in their own CDK app (the CLI's `aws synth` uses
 * the same constructs).
 */
export { PlatformStacks, type PlatformStacksProps } from "./platform-stacks.js";
export { platformApp, synthPlatform, type SynthResult, type SynthesizedStack } from "./synth.js";
export { AcknowledgedAwsSolutions, NAG_ACKNOWLEDGEMENTS } from "./nag.js";
export { podSecurityGroups, readDeployOutputs, type DeployOutputs } from "./outputs.js";
export { ClusterStack } from "./stacks/cluster.js";
export { KarpenterStack } from "./stacks/karpenter.js";
export { NetworkStack } from "./stacks/network.js";
export { SharedStack } from "./stacks/shared.js";
export { TenantStack } from "./stacks/tenant.js";
export { ZoneStack } from "./stacks/zone.js";
