/**
 * Tenants that sleep on this machine, kept by the supervisor. A tenant asleep has none of its
 * processes and none of its own data servers running; its front door stays, holds the next
 * request, wakes the tenant and forwards the request once its processes are ready. A tenant
 * with an idle timeout goes to sleep after that long without a request, unless its product's
 * query names something that needs it awake (n8n: a schedule main runs); so does
 * `tenantctl hibernate`, which `--force` overrides. The CLI talks to the running supervisor
 * over HTTP on 127.0.0.1 with a bearer token kept in the 0600 state directory.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { failure } from "../../diagnostics/diagnostic.js";
import type { ControlEndpoint, DatabaseLogin, SleeperSpec } from "./plan.js";
import type { StateDir } from "./state.js";

/** Something that keeps a tenant awake, as the product's query names it. */
export interface AwakeReason {
  readonly name: string;
  readonly why: string;
}

/** What the keeper needs of the supervisor. */
export interface Sleepable {
  isAsleep(tenant: string): boolean;
  sleepTenant(tenant: string): Promise<void>;
  wakeTenant(tenant: string): Promise<void>;
}

const CONTROL_FILE = "control.json";
/** How often idle tenants are looked at, at most. */
const IDLE_CHECK_MS = 5_000;

/** Runs a product's stays-awake query against a tenant's database. */
export async function awakeReasons(query: string, login: DatabaseLogin): Promise<AwakeReason[]> {
  // Loaded here: the supervisor's module is read by commands that never talk to PostgreSQL.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ ...login, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const result = await client.query<{ name: string; why: string }>(query);
    return result.rows.map((r) => ({ name: String(r.name), why: String(r.why) }));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class SleepKeeper {
  private readonly lastActivity = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly told = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly supervisor: Sleepable,
    private readonly sleepers: readonly SleeperSpec[],
    private readonly log: (line: string) => void,
  ) {
    for (const s of sleepers) this.lastActivity.set(s.tenant, Date.now());
  }

  /** A request reached the tenant's front door: the tenant is woken first when asleep; call the result when it is answered. */
  async admit(tenant: string): Promise<() => void> {
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
    this.lastActivity.set(tenant, Date.now());
    const done = () => {
      this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 1) - 1);
      this.lastActivity.set(tenant, Date.now());
    };
    if (this.supervisor.isAsleep(tenant)) {
      const started = Date.now();
      this.log(`${tenant}: a request came while asleep; waking it`);
      try {
        await this.supervisor.wakeTenant(tenant);
      } catch (error) {
        done();
        throw error;
      }
      this.log(`${tenant}: awake in ${Date.now() - started} ms`);
    }
    return done;
  }

  /** What keeps the tenant awake now, by its product's query (none when the product has none). */
  async reasons(tenant: string): Promise<AwakeReason[]> {
    const check = this.sleeper(tenant).staysAwake;
    return check === undefined ? [] : awakeReasons(check.query, check.login);
  }

  /** tenantctl hibernate: asleep unless something needs it awake (then those reasons, and it stays). */
  async hibernate(tenant: string, force: boolean): Promise<{ slept: boolean; reasons: AwakeReason[] }> {
    if (this.supervisor.isAsleep(tenant)) return { slept: true, reasons: [] };
    const reasons = await this.reasons(tenant);
    if (reasons.length > 0 && !force) return { slept: false, reasons };
    await this.supervisor.sleepTenant(tenant);
    this.log(`${tenant}: asleep (tenantctl hibernate${force && reasons.length > 0 ? " --force" : ""})`);
    return { slept: true, reasons };
  }

  async wake(tenant: string): Promise<void> {
    this.lastActivity.set(tenant, Date.now());
    await this.supervisor.wakeTenant(tenant);
  }

  knows(tenant: string): boolean {
    return this.sleepers.some((s) => s.tenant === tenant);
  }

  /** Looks at the idle tenants every few seconds. */
  start(): void {
    const idle = this.sleepers.flatMap((s) => (s.idleAfterMs === undefined ? [] : [s.idleAfterMs]));
    if (idle.length === 0) return;
    const every = Math.max(250, Math.min(IDLE_CHECK_MS, Math.min(...idle) / 4));
    this.timer = setInterval(() => void this.sleepIdle(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private async sleepIdle(): Promise<void> {
    const now = Date.now();
    for (const s of this.sleepers) {
      if (s.idleAfterMs === undefined || this.supervisor.isAsleep(s.tenant)) continue;
      if ((this.inFlight.get(s.tenant) ?? 0) > 0) continue;
      if (now - (this.lastActivity.get(s.tenant) ?? now) < s.idleAfterMs) continue;
      const reasons = await this.reasons(s.tenant).catch((error: Error) => [
        { name: "its database", why: `cannot be asked (${error.message})` },
      ]);
      if (reasons.length > 0) {
        // Said once per reason set; asked again after another idle period.
        const said = JSON.stringify(reasons);
        if (!this.told.has(`${s.tenant}\0${said}`)) {
          this.told.add(`${s.tenant}\0${said}`);
          this.log(
            `${s.tenant}: idle but stays awake: ${reasons.map((r) => `${r.name} (${r.why})`).join("; ")}`,
          );
        }
        this.lastActivity.set(s.tenant, Date.now());
        continue;
      }
      this.log(`${s.tenant}: asleep after ${Math.round(s.idleAfterMs / 1000)} s without a request`);
      await this.supervisor.sleepTenant(s.tenant);
    }
  }

  private sleeper(tenant: string): SleeperSpec {
    const found = this.sleepers.find((s) => s.tenant === tenant);
    if (found === undefined) throw new Error(`no tenant ${tenant} here`);
    return found;
  }
}

/** The supervisor's control endpoint for hibernate and wake; its port and token go to control.json. */
export async function startControl(state: StateDir, keeper: SleepKeeper): Promise<Server> {
  const token = randomBytes(24).toString("hex");
  const server = createServer((req, res) => {
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const given = Buffer.from(req.headers.authorization ?? "");
    const expected = Buffer.from(`Bearer ${token}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply(401, {});
    const url = new URL(req.url ?? "/", "http://control");
    const [, action, tenant = ""] = url.pathname.split("/");
    if (req.method !== "POST" || !keeper.knows(tenant)) return reply(404, {});
    const started = Date.now();
    const work =
      action === "hibernate"
        ? keeper.hibernate(tenant, url.searchParams.get("force") === "1")
        : action === "wake"
          ? keeper.wake(tenant).then(() => ({ slept: false, reasons: [] }))
          : undefined;
    if (work === undefined) return reply(404, {});
    work.then(
      (result) =>
        reply(result.reasons.length > 0 && !result.slept ? 409 : 200, {
          ...result,
          ms: Date.now() - started,
        }),
      (error: Error) => reply(500, { error: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint: ControlEndpoint = { port: (server.address() as AddressInfo).port, token };
  state.writeJson(CONTROL_FILE, endpoint);
  return server;
}

export interface ControlAnswer {
  readonly slept: boolean;
  readonly reasons: readonly AwakeReason[];
  readonly ms: number;
}

/** Asks the running supervisor to put a tenant to sleep or wake it (undefined: no supervisor runs it). */
export async function control(
  state: StateDir,
  action: "hibernate" | "wake",
  tenant: string,
  force = false,
): Promise<ControlAnswer | undefined> {
  const endpoint = state.readJson<ControlEndpoint | undefined>(CONTROL_FILE, undefined);
  if (endpoint === undefined) return undefined;
  let response: Response;
  try {
    response = await fetch(
      `http://127.0.0.1:${endpoint.port}/${action}/${encodeURIComponent(tenant)}${force ? "?force=1" : ""}`,
      { method: "POST", headers: { authorization: `Bearer ${endpoint.token}` } },
    );
  } catch {
    return undefined;
  }
  if (response.status === 404) return undefined;
  const body = (await response.json()) as ControlAnswer & { error?: string };
  if (response.status >= 500 || response.status === 401)
    throw failure(
      "hibernate/supervisor-failed",
      `the supervisor could not ${action} ${tenant}: ${body.error ?? `HTTP ${response.status}`}`,
      "read its log (tenantctl logs, or logs/supervisor.log in the state directory)",
    );
  return body;
}
