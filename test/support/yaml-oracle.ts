import { runGoCommand } from "./go-command.js";

/** The documents of a manifest stream as apimachinery's YAMLOrJSONDecoder decodes them (Argo CD's own decoding). */
export function decodeLikeArgoCd(text: string): unknown {
  return JSON.parse(runGoCommand("yaml-oracle", "v0.34.4", "TENANTCTL_YAML_ORACLE", text)) as unknown;
}
