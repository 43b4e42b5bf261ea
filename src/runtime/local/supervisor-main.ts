/** Entry point of the detached supervisor process: `node supervisor-main.js <state-dir>`. */
import type { Plan } from "./plan.js";
import { StateDir } from "./state.js";
import { Supervisor } from "./supervisor.js";

const state = new StateDir(process.argv[2] ?? ".");
const plan = state.readJson<Plan>("plan.json", { platform: "", services: [], routers: [] });
const supervisor = new Supervisor(state, plan);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void supervisor.stop().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// SIGHUP: plan.json was replaced by one that only adds to it (up checks before it signals).
process.on("SIGHUP", () => {
  void supervisor.extend(state.readJson<Plan>("plan.json", { platform: "", services: [], routers: [] }));
});
await supervisor.run();
