import { POD_SECURITY } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { restrictedViolations } from "../pod-security.js";
import { podSpecOf, WORKLOAD_KINDS } from "../workloads.js";
import { scopedObjects } from "./scope.js";

const ENFORCE = POD_SECURITY.enforce;

/** Every pod template of a tenant or zone passes Pod Security `restricted`, and its namespace enforces it. */
export const podSecurityRestricted: VerifyRule = {
  id: "pod-security-restricted",
  severity: "error",
  title: "Pod not within Pod Security restricted",
  description:
    "Every pod template in tenant and zone namespaces must pass the Pod Security Standard 'restricted' (non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, no host namespaces or paths), and those namespaces must enforce it.",
  check(ctx) {
    const out: Finding[] = [];
    for (const { source, scope } of scopedObjects(ctx, [...WORKLOAD_KINDS, "Namespace"])) {
      const { kind, metadata } = source.object;
      if (kind === "Namespace") {
        if (metadata.labels?.[ENFORCE] !== "restricted") {
          out.push(
            findingOf(this, {
              message: `namespace ${metadata.name} does not enforce Pod Security restricted (${ENFORCE}: ${metadata.labels?.[ENFORCE] ?? "unset"})`,
              objects: [refOf(source)],
              fix: `label the namespace ${ENFORCE}=restricted`,
              tenant: scope.tenant?.name,
            }),
          );
        }
        continue;
      }
      const spec = podSpecOf(source.object);
      if (spec === undefined) continue;
      for (const violation of restrictedViolations(spec)) {
        out.push(
          findingOf(this, {
            message: `${kind} ${metadata.namespace}/${metadata.name}: ${violation}`,
            objects: [refOf(source)],
            fix: "set the securityContext fields the restricted profile requires (runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault)",
            tenant: scope.tenant?.name,
          }),
        );
      }
    }
    return out;
  },
};
