/**
 * The CI roles of the AWS layer: only the named application repository's pipelines, on the
 * named branches, may assume a product's role (exact subject and audience: a pattern such as
 * `repo:acme/*` would let every repository of the organisation push), and it may push only to
 * its own product's repositories (one product's pipeline must not replace another's images).
 */
import { ciRole } from "../../model/names.js";
import { type RoleView, rolesOf } from "../aws/iam.js";
import { awsRef } from "../aws/refs.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";

const PUSH_ACTIONS = new Set([
  "ecr:PutImage",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:*",
  "*",
]);

export const awsCiRoleScope: VerifyRule = {
  id: "aws-ci-role-scope",
  severity: "error",
  title: "A CI role may be assumed by other pipelines, or push to other products' images",
  description:
    "With --aws: a role assumable with a web identity (CI) names its audience and its exact subjects with StringEquals (no patterns), those of the spec's ci.repositories, and pushes only to its product's ECR repositories.",
  check(ctx) {
    const layer = ctx.input.aws;
    if (layer === undefined) return [];
    const out: Finding[] = [];
    const problem = (role: RoleView, message: string, fix: string) =>
      out.push(findingOf(this, { message, objects: [awsRef(role.role)], fix }));
    // `<stack/Logical.Arn>` → the repository's name, for the push statements' resources.
    const repositories = new Map(
      layer
        .resourcesOf("AWS::ECR::Repository")
        .map((r) => [
          `<${r.stack.name}/${r.logicalId}.Arn>`,
          String(layer.text(r.stack, r.resource.Properties?.RepositoryName) ?? ""),
        ]),
    );
    const registry = ctx.model.registry;
    for (const role of rolesOf(layer).values()) {
      const web = role.trust.filter(
        (st) =>
          st.effect === "Allow" &&
          st.actions.some((a) => a === "sts:AssumeRoleWithWebIdentity" || a === "sts:*"),
      );
      if (web.length === 0) continue;
      const product = registry?.products.find((p) => ciRole(ctx.model.cluster.name, p.product) === role.name);
      for (const st of web) {
        const equals = (st.conditions.StringEquals ?? {}) as Record<string, unknown>;
        const subKey = Object.keys(equals).find((k) => k.endsWith(":sub"));
        const audKey = Object.keys(equals).find((k) => k.endsWith(":aud"));
        const patterned = Object.entries(st.conditions)
          .filter(([op]) => op !== "StringEquals")
          .some(([, keys]) => Object.keys(keys as object).some((k) => k.endsWith(":sub")));
        const subjects = subKey === undefined ? [] : [equals[subKey]].flat().map(String);
        if (
          subKey === undefined ||
          audKey === undefined ||
          patterned ||
          subjects.some((s) => /[*?]/.test(s))
        ) {
          problem(
            role,
            `role ${role.name} may be assumed with a web identity without an exact audience and subject (StringEquals on :aud and :sub, no patterns): pipelines of other repositories or branches could assume it`,
            "trust only StringEquals on <issuer>:aud and <issuer>:sub, with the exact subjects (re-synthesize: tenantctl aws synth)",
          );
          continue;
        }
        if (product === undefined) continue;
        const expected = product.subjects;
        const extra = subjects.filter((s) => !expected.includes(s));
        if (extra.length > 0)
          problem(
            role,
            `role ${role.name} (CI of ${product.product}) may be assumed by ${extra.join(", ")}, which ci.repositories.${product.product} does not name`,
            `trust only ${expected.join(", ")}`,
          );
      }
      const own = product === undefined ? undefined : `${product.product}/`;
      for (const st of role.statements) {
        if (st.effect !== "Allow" || !st.actions.some((a) => PUSH_ACTIONS.has(a))) continue;
        // A resource that is none of the layer's repositories ("*", a pattern, another account's) is outside too.
        const outside = st.resources.filter((r) => {
          const name = repositories.get(r);
          return name === undefined || (own !== undefined && !name.startsWith(own));
        });
        if (outside.length > 0)
          problem(
            role,
            `role ${role.name} may push images to ${outside.map((r) => repositories.get(r) ?? r).join(", ")}${own === undefined ? "" : `, outside ${own}*`}`,
            "name only the product's own repositories (their ARNs) in its push statement",
          );
      }
    }
    return out;
  },
};
