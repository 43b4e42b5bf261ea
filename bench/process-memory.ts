// Resident memory of what `up` started: every supervised process with all its descendants
// (rabbitmq-server is a shell script whose Erlang VM is its child; uvicorn and Celery may fork).
// RSS counts a page shared by several processes (the node binary's code, PostgreSQL's shared
// buffers) once in each; PSS (proportional set size) divides it among them: what the machine
// really spends. Both are given.
import { readdirSync, readFileSync } from "node:fs";
import { readStatus } from "../src/runtime/local/up.js";
import type { StateDir } from "../src/runtime/local/state.js";

/** One reading of /proc: each process's parent and its CPU so far (utime + stime, in clock ticks). */
export type ProcessTable = ReadonlyMap<number, { readonly ppid: number; readonly jiffies: number }>;

export function processTable(): ProcessTable {
  const table = new Map<number, { ppid: number; jiffies: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields follow the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(fields[1]), jiffies: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  return table;
}

/** A process and all its descendants in one reading of the table. */
export function processTree(table: ProcessTable, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
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
  const table = processTable();
  const out: Record<string, { rss: number; pss: number }> = {};
  for (const [name, service] of Object.entries(readStatus(state)?.services ?? {})) {
    if (service.pid === undefined) continue;
    const tree = processTree(table, service.pid);
    const kib = (of: (pid: number) => number) => tree.reduce((n, pid) => n + of(pid), 0);
    out[name] = { rss: kib(rssKib) / 1024, pss: kib(pssKib) / 1024 };
  }
  return out;
}

/** MiB resident in the supervised processes and their descendants. */
export function residentMiB(state: StateDir): number {
  return Object.values(memoryByService(state)).reduce((n, m) => n + m.rss, 0);
}
