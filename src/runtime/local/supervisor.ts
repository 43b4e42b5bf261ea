/**
 * The supervisor of `up`: a detached process that starts the plan's services in dependency
 * order, waits for each to be ready, restarts any that exits with back-off (1 s doubling to
 * 30 s, reset after a minute of uptime) and reports every state change in status.json. It
 * also serves each tenant's front door, routing like the cluster's Ingress. On SIGTERM it
 * stops everything, n8n first and the databases last. Data stays in the state directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect } from "node:net";
import {
  logFileName,
  type Plan,
  type RouterSpec,
  type ServiceSpec,
  type ServiceState,
  type ServiceStatus,
  type Status,
} from "./plan.js";
import { RouteBalancer } from "./routing.js";
import type { StateDir } from "./state.js";
import { SleepKeeper, startControl } from "./hibernation.js";

/** Whether `next` keeps every service and front door of `current` exactly, and only adds (in order) to them. */
export function extends_(current: Plan, next: Plan): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const byName = new Map(next.services.map((s) => [s.name, s]));
  return (
    current.platform === next.platform &&
    same(current.sleepers ?? [], next.sleepers ?? []) &&
    current.services.every((s) => same(s, byName.get(s.name))) &&
    current.routers.every((r, i) => same(r, next.routers[i]))
  );
}

export function planHash(plan: Plan): string {
  return createHash("sha256").update(JSON.stringify(plan)).digest("hex").slice(0, 16);
}

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly status = new Map<string, ServiceStatus>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly routers: Server[] = [];
  private stopping = false;
  /** Tenants asleep, and the services sleep stopped (they are not restarted). */
  private readonly asleep = new Set<string>();
  private readonly parked = new Set<string>();
  private readonly waking = new Map<string, Promise<void>>();
  private readonly sleeping = new Map<string, Promise<void>>();
  private readonly keeper: SleepKeeper;
  private control: Server | undefined;

  constructor(
    private readonly state: StateDir,
    private plan: Plan,
  ) {
    this.keeper = new SleepKeeper(this, plan.sleepers ?? [], (line) =>
      process.stdout.write(`tenantctl: ${new Date().toISOString()} ${line}\n`),
    );
  }

  async run(): Promise<void> {
    // A tenant asleep from the start: its processes never start; its own data servers start
    // (their provisioning needs them) and sleep once everything else is up.
    const sleepy = (this.plan.sleepers ?? []).filter((s) => s.asleep).map((s) => s.tenant);
    for (const s of this.plan.services) {
      const parked = s.tenant !== undefined && sleepy.includes(s.tenant) && isProcess(s);
      if (parked) this.parked.add(s.name);
      this.set(s.name, { state: parked ? "asleep" : "waiting" });
    }
    for (const t of sleepy) this.asleep.add(t);
    this.control = await startControl(this.state, this.keeper);
    for (const r of this.plan.routers) this.routers.push(await startRouter(r, this.keeper));
    this.write();
    await Promise.all(
      this.plan.services.filter((s) => !this.parked.has(s.name)).map((s) => this.startWhenReady(s)),
    );
    // Unless a request woke it meanwhile.
    for (const t of sleepy) if (this.asleep.has(t) && !this.waking.has(t)) await this.park(t);
    this.keeper.start();
  }

  isAsleep(tenant: string): boolean {
    return this.asleep.has(tenant) || this.sleeping.has(tenant) || this.waking.has(tenant);
  }

  /**
   * Stops the tenant's processes, then its own data servers; they stay stopped until it wakes.
   * The tenant counts as asleep (status.json) once all of them have stopped.
   */
  sleepTenant(tenant: string): Promise<void> {
    if (this.stopping || this.asleep.has(tenant)) return Promise.resolve();
    const known = this.sleeping.get(tenant) ?? this.waking.get(tenant);
    if (known !== undefined) return known.then(() => this.sleepTenant(tenant));
    const sleeping = this.park(tenant)
      .then(() => {
        this.asleep.add(tenant);
        this.write();
      })
      .finally(() => this.sleeping.delete(tenant));
    this.sleeping.set(tenant, sleeping);
    return sleeping;
  }

  private async park(tenant: string): Promise<void> {
    const services = this.plan.services.filter((s) => s.tenant === tenant);
    for (const s of services) this.parked.add(s.name);
    await this.stopInOrder(services);
    for (const s of services)
      if (this.status.get(s.name)?.state !== "done") this.set(s.name, { state: "asleep", pid: undefined });
    this.write();
  }

  /** Starts what sleep stopped, in dependency order (after a sleep under way ends); resolves when all of it is ready. */
  async wakeTenant(tenant: string): Promise<void> {
    await this.sleeping.get(tenant);
    if (!this.asleep.has(tenant)) return this.waking.get(tenant);
    const services = this.plan.services.filter((s) => s.tenant === tenant && this.parked.has(s.name));
    const waking = (async () => {
      for (const s of services) {
        this.parked.delete(s.name);
        this.set(s.name, { state: "waiting" });
      }
      this.asleep.delete(tenant);
      await Promise.all(services.map((s) => this.startWhenReady(s)));
      // launch() returns when a process is ready, or when it ended first: only ready counts.
      for (let i = 0; i < 1200 && !services.every((s) => this.status.get(s.name)?.state === "ready"); i++) {
        if (services.some((s) => this.status.get(s.name)?.state === "failed"))
          throw new Error(`${tenant} did not wake: a process failed`);
        await sleep(100);
      }
      if (!services.every((s) => this.status.get(s.name)?.state === "ready"))
        throw new Error(`${tenant} did not wake within 120 s`);
    })().finally(() => this.waking.delete(tenant));
    this.waking.set(tenant, waking);
    return waking;
  }

  /**
   * Takes a plan that only adds to the running one (extends()): its new services and front
   * doors start; what runs is not touched. How an upgrade brings the other processes up after
   * the migrator, without restarting it. Any other plan is refused (false): `up` restarts.
   */
  async extend(next: Plan): Promise<boolean> {
    if (this.stopping || !extends_(this.plan, next)) return false;
    const known = new Set(this.plan.services.map((s) => s.name));
    const added = next.services.filter((s) => !known.has(s.name));
    const routers = next.routers.slice(this.plan.routers.length);
    this.plan = next;
    for (const s of added) this.set(s.name, { state: "waiting" });
    for (const r of routers) this.routers.push(await startRouter(r, this.keeper));
    this.write();
    void Promise.all(added.map((s) => this.startWhenReady(s)));
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.keeper.stop();
    this.control?.close();
    for (const r of this.routers) r.close();
    await this.stopInOrder(this.plan.services);
    this.write();
  }

  /** Stops services group by group (STOP_ORDER), each group's at once. */
  private async stopInOrder(services: readonly ServiceSpec[]): Promise<void> {
    for (const kinds of STOP_ORDER)
      await Promise.all(services.filter((s) => kinds.includes(s.kind)).map((s) => this.stopOne(s)));
  }

  private async startWhenReady(spec: ServiceSpec): Promise<void> {
    for (const dependency of spec.dependsOn) {
      while (!this.stopping && !["ready", "done"].includes(this.status.get(dependency)?.state ?? "")) {
        if (this.status.get(dependency)?.state === "failed") {
          this.set(spec.name, { state: "failed", lastExit: `dependency ${dependency} failed` });
          return;
        }
        await sleep(200);
      }
    }
    await this.launch(spec, 0);
  }

  private async launch(spec: ServiceSpec, restarts: number): Promise<void> {
    if (this.stopping || this.parked.has(spec.name)) return;
    this.set(spec.name, { state: restarts === 0 ? "starting" : "restarting", restarts });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/",
      ...spec.env,
    };
    if (spec.broker) {
      try {
        env.N8N_RUNNERS_GRANT_TOKEN = await grantToken(spec.broker.port, spec.broker.authToken);
      } catch (error) {
        this.log(spec.name).write(
          `tenantctl: no grant token from the task broker: ${(error as Error).message}\n`,
        );
        await sleep(2000);
        return this.launch(spec, restarts + 1);
      }
    }
    // When each process started, and from which binary (the release is in its path): what an upgrade's order is read from.
    this.log(spec.name).write(
      `tenantctl: ${new Date().toISOString()} starting ${spec.name}: ${[spec.command, ...spec.args].join(" ")}\n`,
    );
    const child = spawn(spec.command, [...spec.args], {
      env,
      ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = this.log(spec.name);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.children.set(spec.name, child);
    const startedAt = Date.now();
    this.set(spec.name, { pid: child.pid, restarts });
    child.on("exit", (code, signal) => {
      this.children.delete(spec.name);
      const exit = signal ? `signal ${signal}` : `exit ${code}`;
      if (this.stopping || this.parked.has(spec.name)) {
        this.set(spec.name, { state: this.stopping ? "stopped" : "asleep", pid: undefined, lastExit: exit });
        return;
      }
      if (!spec.restart) {
        this.set(spec.name, { state: code === 0 ? "done" : "failed", pid: undefined, lastExit: exit });
        return;
      }
      const next = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 1000 * 2 ** Math.max(0, next - 1));
      log.write(
        `tenantctl: ${spec.name} ended (${exit}); restarting in ${delay} ms (restart ${restarts + 1})\n`,
      );
      this.set(spec.name, { state: "restarting", pid: undefined, lastExit: exit, restarts: restarts + 1 });
      setTimeout(() => void this.launch(spec, restarts + 1), delay);
    });
    if (spec.ready.type === "exit") return;
    while (!this.stopping && this.children.get(spec.name) === child) {
      if (await isReady(spec, env)) {
        this.set(spec.name, { state: "ready" });
        return;
      }
      await sleep(spec.ready.type === "command" ? 1000 : 250);
    }
  }

  private async stopOne(spec: ServiceSpec): Promise<void> {
    const child = this.children.get(spec.name);
    if (!child) return;
    child.kill(spec.stopSignal);
    for (let i = 0; i < 100 && this.children.has(spec.name); i++) await sleep(100);
    if (this.children.has(spec.name)) child.kill("SIGKILL");
    for (let i = 0; i < 20 && this.children.has(spec.name); i++) await sleep(100);
  }

  private log(name: string): WriteStream {
    let stream = this.logs.get(name);
    if (!stream) {
      this.state.ensure("logs");
      stream = createWriteStream(this.state.path("logs", logFileName(name)), {
        flags: "a",
        mode: 0o600,
      });
      this.logs.set(name, stream);
    }
    return stream;
  }

  private set(name: string, change: Partial<ServiceStatus> & { state?: ServiceState }): void {
    const previous = this.status.get(name) ?? {
      pid: undefined,
      state: "waiting",
      restarts: 0,
      lastExit: undefined,
      since: "",
    };
    const next: ServiceStatus = {
      ...previous,
      ...change,
      since:
        change.state !== undefined && change.state !== previous.state
          ? new Date().toISOString()
          : previous.since,
    };
    this.status.set(name, next);
    this.write();
  }

  private write(): void {
    const status: Status = {
      supervisorPid: process.pid,
      planHash: planHash(this.plan),
      startedAt: STARTED,
      services: Object.fromEntries(this.status),
      routers: this.plan.routers,
      asleep: [...this.asleep].sort(),
    };
    this.state.writeJson("status.json", status);
  }
}

const STARTED = new Date().toISOString();

/** Stopping order: the products' processes first, the databases last. */
const STOP_ORDER: readonly (readonly ServiceSpec["kind"][])[] = [
  // The products' processes with their sidecars: a runner stopped alone waits on its broker (≈ 10 s).
  ["sidecar", "app"],
  ["provision"],
  ["rabbitmq"],
  ["epmd"],
  ["redis"],
  ["postgres"],
];

/** A product's process or its sidecar (not a data server nor a provisioning job). */
function isProcess(s: ServiceSpec): boolean {
  return s.kind === "app" || s.kind === "sidecar";
}

async function isReady(spec: ServiceSpec, env: Readonly<Record<string, string>>): Promise<boolean> {
  const ready = spec.ready;
  if (ready.type === "tcp") return tcpOpen(ready.port);
  if (ready.type === "http") return httpOk(ready.url, ready.json === true);
  if (ready.type === "started") return true;
  if (ready.type === "command") return commandSucceeds(ready.command, env, spec.cwd);
  return false;
}

/** An exec probe: the command with the process's environment, 0 within 10 s. */
function commandSucceeds(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string | undefined,
): Promise<boolean> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, ...(cwd === undefined ? {} : { cwd }), stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("error", () => resolve(false));
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function httpOk(url: string, json = false): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { timeout: 2000 }, (res) => {
      res.resume();
      const isJson = (res.headers["content-type"] ?? "").includes("application/json");
      resolve((res.statusCode ?? 500) < 300 && (!json || isJson));
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** What the runner launcher in the n8n images does: trade the auth token for a one-time grant. */
function grantToken(port: number, authToken: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ token: authToken });
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path: "/runners/auth",
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString("utf8");
        });
        res.on("end", () => {
          const token = (JSON.parse(text || "{}") as { data?: { token?: string } }).data?.token;
          if (res.statusCode === 200 && token) resolve(token);
          else reject(new Error(`HTTP ${res.statusCode}`));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The tenant's front door: each request to its route's processes, like the cluster's Ingress.
 * A request for a tenant asleep waits while the keeper wakes it, then goes on.
 */
function startRouter(spec: RouterSpec, keeper: SleepKeeper): Promise<Server> {
  const balancer = new RouteBalancer(spec.routes);
  const server = createHttpServer((req, res) => {
    const target = balancer.target(req.headers.host, req.url ?? "/");
    if (target === undefined) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("tenantctl: no route of this tenant matches this host and path\n");
      return;
    }
    keeper.admit(spec.tenant).then(
      (done) => {
        res.once("close", done);
        forward(req, res, target);
      },
      (error: Error) => {
        res.writeHead(503, { "content-type": "text/plain", "retry-after": "10" });
        res.end(`tenantctl: ${spec.tenant} was asleep and did not wake: ${error.message}\n`);
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(spec.port, "127.0.0.1", () => resolve(server));
  });
}

function forward(req: IncomingMessage, res: ServerResponse, target: number): void {
  const upstream = httpRequest(
    {
      host: "127.0.0.1",
      port: target,
      path: req.url,
      method: req.method,
      headers: {
        ...req.headers,
        "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1",
        "x-forwarded-proto": "http",
      },
    },
    (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end("tenantctl: the process behind this route is not running\n");
  });
  req.pipe(upstream);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
