/**
 * The IAM roles of an AWS layer with every statement that applies to them (inline policies
 * and AWS::IAM::Policy resources attached to them), resolved to plain strings.
 */
import type { AwsLayer, LocatedResource } from "./templates.js";

export interface Statement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: Readonly<Record<string, unknown>>;
  /** Who the statement admits (trust policies): an AWS ARN, "*", or "Service:<name>". */
  readonly principals: readonly string[];
}

export interface RoleView {
  readonly name: string;
  readonly arn: string;
  readonly role: LocatedResource;
  readonly statements: readonly Statement[];
  readonly trust: readonly Statement[];
  readonly managedPolicies: readonly string[];
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function statementsOf(document: unknown): Statement[] {
  const doc = (document ?? {}) as { Statement?: unknown };
  return list(doc.Statement).map((s) => {
    const st = s as Record<string, unknown>;
    return {
      ...(typeof st.Sid === "string" ? { sid: st.Sid } : {}),
      effect: String(st.Effect ?? "Allow"),
      actions: list(st.Action).map(String),
      resources: list(st.Resource).map(String),
      conditions: (st.Condition ?? {}) as Record<string, unknown>,
      principals: principalsOf(st.Principal),
    };
  });
}

function principalsOf(principal: unknown): string[] {
  if (principal === undefined) return [];
  if (typeof principal !== "object" || principal === null) return [String(principal)];
  return Object.entries(principal).flatMap(([kind, value]) =>
    list(value).map((v) => (kind === "AWS" ? String(v) : `${kind}:${String(v)}`)),
  );
}

export function rolesOf(layer: AwsLayer): Map<string, RoleView> {
  const roles = new Map<string, RoleView>();
  const byLogical = new Map<string, RoleView & { statements: Statement[] }>();
  for (const role of layer.resourcesOf("AWS::IAM::Role")) {
    const props = role.resource.Properties ?? {};
    const name = layer.text(role.stack, props.RoleName) ?? `<unnamed ${role.stack.name}/${role.logicalId}>`;
    const inline = list(props.Policies).flatMap((p) =>
      statementsOf(layer.resolve(role.stack, (p as { PolicyDocument?: unknown }).PolicyDocument)),
    );
    const view = {
      name,
      arn: `arn:aws:iam::${role.stack.account}:role/${name}`,
      role,
      statements: inline,
      trust: statementsOf(layer.resolve(role.stack, props.AssumeRolePolicyDocument)),
      managedPolicies: list(layer.resolve(role.stack, props.ManagedPolicyArns)).map(String),
    };
    roles.set(name, view);
    byLogical.set(`${role.stack.name}/${role.logicalId}`, view);
  }
  for (const policy of layer.resourcesOf("AWS::IAM::Policy")) {
    const props = policy.resource.Properties ?? {};
    const statements = statementsOf(layer.resolve(policy.stack, props.PolicyDocument));
    for (const target of list(props.Roles)) {
      const ref = (target as { Ref?: string }).Ref;
      const view =
        ref === undefined
          ? roles.get(String(layer.resolve(policy.stack, target)))
          : byLogical.get(`${policy.stack.name}/${ref}`);
      if (view !== undefined) (view.statements as Statement[]).push(...statements);
    }
  }
  return roles;
}

/** Whether an IAM resource pattern (with * and ?) can match a resource that starts with `prefix`. */
export function patternWithin(pattern: string, prefix: string): boolean {
  const star = pattern.search(/[*?]/);
  const fixed = star < 0 ? pattern : pattern.slice(0, star);
  // Everything the pattern can match starts with its fixed part; that part must extend the prefix.
  return fixed.startsWith(prefix);
}

/** Whether an IAM resource pattern can match some resource that starts with `prefix`. */
export function patternCanReach(pattern: string, prefix: string): boolean {
  const star = pattern.search(/[*?]/);
  if (star < 0) return pattern.startsWith(prefix);
  const fixed = pattern.slice(0, star);
  return fixed.startsWith(prefix) || prefix.startsWith(fixed);
}
