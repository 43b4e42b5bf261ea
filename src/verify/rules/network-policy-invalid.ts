import { findingOf, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";

export const networkPolicyInvalid: VerifyRule = {
  id: "network-policy-invalid",
  severity: "error",
  title: "NetworkPolicy the API server would reject",
  description:
    "A NetworkPolicy with an unknown selector operator, a malformed CIDR, an except outside its cidr, an empty peer or a bad port range is rejected by the API server; verify cannot reason about it either, so it reports it and leaves it out of the analysis.",
  check(ctx) {
    return ctx.policyProblems.map((p) =>
      findingOf(this, {
        message: `${p.path}: ${p.message}`,
        objects: [refOf(p.source)],
        fix: `correct ${p.path} in ${p.source.file}`,
      }),
    );
  },
};
