/**
 * The state directory of `tenantctl up`: generated secrets (0600, created once, reused on
 * every later `up`), the ports each service got (stable across restarts), data directories
 * and logs. Nothing in it is deleted except by `down --purge`.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

export class StateDir {
  constructor(readonly root: string) {}

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  ensure(...parts: string[]): string {
    const dir = this.path(...parts);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  readJson<T>(file: string, fallback: T): T {
    const path = this.path(file);
    if (!existsSync(path)) return fallback;
    return JSON.parse(readFileSync(path, "utf8")) as T;
  }

  /** Written atomically (rename), owner-only: state files may hold secrets. */
  writeJson(file: string, value: unknown): void {
    const path = this.path(file);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  }

  /**
   * A named set of secrets, generated on first use and then always the same. Missing keys
   * are added; existing ones are never changed (an encryption key that changed would make
   * every stored credential unreadable).
   */
  secrets(name: string, keys: readonly string[]): Record<string, string> {
    const current = this.readSecrets(name);
    let changed = false;
    for (const key of keys) {
      if (current[key] === undefined) {
        current[key] = randomBytes(24).toString("base64url");
        changed = true;
      }
    }
    if (changed) this.writeSecrets(name, current);
    return current;
  }

  /** Where a named set of secrets is kept (0600). */
  secretsPath(name: string): string {
    return this.path("secrets", `${name}.json`);
  }

  /** A named set of secrets as it is, generating nothing ({} when there is none). */
  readSecrets(name: string): Record<string, string> {
    return this.readJson<Record<string, string>>(`secrets/${name}.json`, {});
  }

  /** Replaces a named set of secrets whole (an import installs a source's key; a kept copy of the old set). */
  writeSecrets(name: string, values: Readonly<Record<string, string>>): void {
    this.writeJson(`secrets/${name}.json`, values);
  }

  /** A loopback port for a service, allocated once and kept. */
  async port(service: string): Promise<number> {
    const ports = this.readJson<Record<string, number>>("ports.json", {});
    const known = ports[service];
    if (known !== undefined) return known;
    const used = new Set(Object.values(ports));
    let port = await freePort();
    while (used.has(port)) port = await freePort();
    ports[service] = port;
    this.writeJson("ports.json", ports);
    return port;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The name of a tenant's own secrets in the state directory (its data services', its product's). */
export function tenantSecrets(tenant: string): string {
  return `tenant-${tenant}`;
}
