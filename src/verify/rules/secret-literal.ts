import { hasUrlCredentials } from "../../lib/url-credentials.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf, type SourcedObject } from "../input.js";
import { podTemplateOf } from "../workloads.js";
import { list, scopeOf } from "./scope.js";

/** Names that hold a secret. `_FILE` variables hold a path to one, which is fine. */
const SECRET_NAME =
  /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ENCRYPTION_?KEY|CREDENTIAL)(?!.*_FILE$)/i;

/**
 * An endpoint named after what it serves (an OAuth provider's GF_…_TOKEN_URL): a plain https
 * address, no credentials, no query string, where a token could hide, is not a secret.
 */
function isEndpoint(name: string, value: string): boolean {
  if (!name.endsWith("_URL")) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.username === "" && url.password === "" && url.search === "";
  } catch {
    return false;
  }
}

interface EnvVar {
  name?: string;
  value?: unknown;
}

/**
 * No secret value in a manifest: not in a container's env, not in a ConfigMap, and no
 * Secret with data at all (secrets come from External Secrets or are generated in-cluster).
 */
export const secretLiteral: VerifyRule = {
  id: "secret-literal",
  severity: "error",
  title: "Secret value written into a manifest",
  description:
    "Secrets must come from a Secret reference (External Secrets or generated in the cluster). A literal value in an env variable whose name says it is a secret, a credential in a URL, a secret-named ConfigMap key, or a Secret with data in the manifests puts it into git.",
  check(ctx) {
    const out: Finding[] = [];
    const report = (source: SourcedObject, where: string, fix: string) =>
      out.push(
        findingOf(this, {
          message: `${source.object.kind} ${source.object.metadata.namespace ?? ""}/${source.object.metadata.name}: ${where} holds a literal secret`,
          objects: [refOf(source)],
          fix,
          tenant: scopeOf(ctx, source).tenant?.name,
        }),
      );
    for (const source of ctx.input.objects) {
      const { object } = source;
      if (!(object.kind === "Secret" && object.apiVersion === "v1")) {
        const where = firstUrlWithCredentials(object, "");
        if (where !== undefined)
          report(
            source,
            `${where} (a URL with a password)`,
            "take the credential out of the URL; give it through a Secret",
          );
      }
      const template = podTemplateOf(object);
      if (template !== undefined) {
        const spec = (template.spec ?? {}) as Record<string, unknown>;
        for (const group of ["initContainers", "containers"]) {
          for (const container of list<{ name?: string; env?: EnvVar[] }>(spec[group])) {
            for (const env of container.env ?? []) {
              if (typeof env.value !== "string" || env.value === "") continue;
              if (SECRET_NAME.test(env.name ?? "") && !isEndpoint(env.name ?? "", env.value)) {
                report(
                  source,
                  `env ${env.name} of container ${container.name}`,
                  `replace value with valueFrom.secretKeyRef (an ExternalSecret provides the Secret)`,
                );
              }
            }
          }
        }
      } else if (object.kind === "ConfigMap") {
        for (const [key, value] of Object.entries((object.data ?? {}) as Record<string, unknown>)) {
          if (typeof value !== "string" || value === "") continue;
          if (SECRET_NAME.test(key)) {
            report(source, `key ${key}`, "move the value to a Secret provided by an ExternalSecret");
          }
        }
      } else if (object.kind === "Secret" && object.apiVersion === "v1") {
        const data = { ...((object.data ?? {}) as object), ...((object.stringData ?? {}) as object) };
        if (Object.keys(data).length > 0) {
          report(
            source,
            `data (${Object.keys(data).join(", ")})`,
            "render an ExternalSecret instead; the value stays in AWS Secrets Manager",
          );
        }
      }
    }
    return out;
  },
};

/** The path of the first string in an object that holds a URL with a password (one pass over every string). */
function firstUrlWithCredentials(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return hasUrlCredentials(value) ? path || "(value)" : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = firstUrlWithCredentials(child, path === "" ? String(key) : `${path}.${String(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
