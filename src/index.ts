/**
 * tenantctl as a library: `import { loadSpec, render } from "tenantctl"`.
 * The CLI (src/cli) is a thin layer over exactly these functions.
 */
export { type Diagnostic, TenantctlError } from "./diagnostics/diagnostic.js";
export { formatDiagnostic, formatDiagnostics } from "./diagnostics/format.js";
export { type Model, resolve, type TenantModel, type ZoneModel } from "./model/resolve.js";
export type { KubernetesObject } from "./render/kubernetes/object.js";
export { type RenderedObject, render, renderModel } from "./render/render.js";
export { toYaml, toYamlStream } from "./render/serialize.js";
export { writeRendered } from "./render/write.js";
export { platformJsonSchema } from "./spec/json-schema.js";
export { type LoadedSpec, loadSpec, type ValidationResult, validateSpecText } from "./spec/load.js";
export type { Platform, PlatformInput } from "./spec/schema.js";
export { RULES, type VerifyReport, verify } from "./verify/engine.js";
export type { Finding } from "./verify/finding.js";
export type { VerifyInput } from "./verify/input.js";
export { loadVerifyInput } from "./verify/load.js";
