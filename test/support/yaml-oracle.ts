import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The yaml-oracle binary scripts/yaml-oracle/build.sh made: Argo CD's own manifest decoding. */
export function yamlOracleBinary(): string {
  const path =
    process.env.TENANTCTL_YAML_ORACLE ??
    join(homedir(), ".cache/tenantctl/yaml-oracle-v0.34.4/bin/yaml-oracle");
  if (!existsSync(path)) {
    throw new Error(`yaml-oracle is not built (${path}); run: bash scripts/yaml-oracle/build.sh`);
  }
  return path;
}

/** The documents of a manifest stream as apimachinery's YAMLOrJSONDecoder decodes them. */
export function decodeLikeArgoCd(text: string): unknown {
  return JSON.parse(execFileSync(yamlOracleBinary(), { input: text, encoding: "utf8" })) as unknown;
}
