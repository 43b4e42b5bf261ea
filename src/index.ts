/**
 * tenantctl as a library: `import { loadPlatform, renderModel } from "tenantctl"`.
 * The CLI (src/cli) is a thin layer over exactly these functions.
 */
export { type Diagnostic, TenantctlError } from "./diagnostics/diagnostic.js";
export { formatDiagnostic, formatDiagnostics } from "./diagnostics/format.js";
export { type Model, resolve, type TenantModel, type ZoneModel } from "./model/resolve.js";
export type { KubernetesObject } from "./manifest/object.js";
export type { RenderedObject } from "./manifest/rendered.js";
export { render, renderModel } from "./render/render.js";
export { toYaml, toYamlStream } from "./manifest/serialize.js";
export { renderedFiles, writeRendered } from "./render/write.js";
export { compareRendered, type TreeDifference } from "./render/check.js";
export { resolveClusters } from "./model/resolve-clusters.js";
export { type ClusterView, clusterViews } from "./model/clusters.js";
export { addTenant, promote, removeTenant, setImage } from "./edit/operations.js";
export { editSpecFile } from "./edit/spec-file.js";
export { platformJsonSchema } from "./input/json-schema.js";
export {
  type LoadedPlatform,
  loadPlatform,
  type ValidationResult,
  validateSpecText,
} from "./model/load-platform.js";
export type { Platform, PlatformInput } from "./input/schema.js";
export { RULES, type VerifyReport, verify } from "./verify/engine.js";
export type { Finding } from "./verify/finding.js";
export type { VerifyInput } from "./verify/input.js";
export { loadVerifyInput } from "./verify/load.js";
