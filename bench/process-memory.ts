// Resident memory of what `up` started: every supervised process with all its descendants
// (rabbitmq-server is a shell script whose Erlang VM is its child; uvicorn and Celery may fork).
import { readdirSync, readFileSync } from "node:fs";
import { readStatus } from "../src/runtime/local/up.js";
import type { StateDir } from "../src/runtime/local/state.js";

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the parent pid follows the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return byParent;
}

function rssKib(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** MiB resident in the supervised processes and their descendants. */
export function residentMiB(state: StateDir): number {
  const tree = children();
  let kib = 0;
  const visit = (pid: number) => {
    kib += rssKib(pid);
    for (const child of tree.get(pid) ?? []) visit(child);
  };
  for (const service of Object.values(readStatus(state)?.services ?? {}))
    if (service.pid !== undefined) visit(service.pid);
  return kib / 1024;
}
