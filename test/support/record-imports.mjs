// Loaded with `node --import` by the start-time test: records the URL of every module the
// process imports (ES module resolution, which every package import of tenantctl goes through).
import { register } from "node:module";

register("./record-imports-hooks.mjs", import.meta.url);
