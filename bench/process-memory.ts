// Resident memory of what `up` started: every supervised process with all its descendants
// (rabbitmq-server is a shell script whose Erlang VM is its child; uvicorn and Celery may fork).
// RSS counts a page shared by several processes (the node binary's code, PostgreSQL's shared
// buffers) once in each; PSS (proportional set size) divides it among them: what the machine
// really spends. Both are given.
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

function pssKib(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** MiB resident (RSS) and proportional (PSS) of each supervised process with its descendants. */
export function memoryByService(state: StateDir): Record<string, { rss: number; pss: number }> {
  const tree = children();
  const out: Record<string, { rss: number; pss: number }> = {};
  for (const [name, service] of Object.entries(readStatus(state)?.services ?? {})) {
    if (service.pid === undefined) continue;
    let rss = 0;
    let pss = 0;
    const visit = (pid: number) => {
      rss += rssKib(pid);
      pss += pssKib(pid);
      for (const child of tree.get(pid) ?? []) visit(child);
    };
    visit(service.pid);
    out[name] = { rss: rss / 1024, pss: pss / 1024 };
  }
  return out;
}

/** MiB resident in the supervised processes and their descendants. */
export function residentMiB(state: StateDir): number {
  return Object.values(memoryByService(state)).reduce((n, m) => n + m.rss, 0);
}
