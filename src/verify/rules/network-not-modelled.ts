/**
 * What verify's NetworkPolicy engine does not model, said by name instead of silently ignored:
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (cluster-wide, evaluated before and after
 * NetworkPolicies), and pods on the host network, which NetworkPolicies do not confine at all.
 */
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { podTemplateOf } from "../workloads.js";

export const networkNotModelled: VerifyRule = {
  id: "network-not-modelled",
  severity: "warning",
  title: "Network objects verify does not model",
  description:
    "AdminNetworkPolicy and BaselineAdminNetworkPolicy objects change what NetworkPolicies allow, and hostNetwork pods are not confined by NetworkPolicies; verify's connectivity does not account for them, so each is named for a person to judge.",
  check(ctx) {
    const out: Finding[] = [];
    for (const source of ctx.input.objects) {
      const { kind, metadata } = source.object;
      if (kind === "AdminNetworkPolicy" || kind === "BaselineAdminNetworkPolicy") {
        out.push(
          findingOf(this, {
            message: `${kind} ${metadata.name} is not modelled: the connectivity verify reports ignores it`,
            objects: [refOf(source)],
            fix: "judge its effect by hand, or express it as NetworkPolicies that verify can check",
          }),
        );
        continue;
      }
      const template = podTemplateOf(source.object);
      if ((template?.spec as { hostNetwork?: unknown } | undefined)?.hostNetwork === true) {
        out.push(
          findingOf(this, {
            message: `${kind} ${metadata.namespace ?? ""}/${metadata.name} runs on the host network: NetworkPolicies do not confine it, and verify does not model it`,
            objects: [refOf(source)],
            fix: "remove hostNetwork: true (Pod Security restricted forbids it in tenant namespaces)",
            tenant: ctx.namespaceScope.get(metadata.namespace ?? "")?.tenant?.name,
          }),
        );
      }
    }
    return out;
  },
};
