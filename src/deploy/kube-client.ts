/**
 * A small Kubernetes API client: kubeconfig loading (every auth method kubectl knows,
 * including exec plugins such as `aws eks get-token`) comes from @kubernetes/client-node;
 * requests, server-side apply and discovery are plain HTTPS, so that what tenantctl sends is
 * visible here and nothing else is.
 */
import { Agent, request as httpsRequest, type RequestOptions } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { failure } from "../diagnostics/diagnostic.js";

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
  /** The verbs the resource serves (discovery's list), e.g. whether it can be listed. */
  readonly verbs: readonly string[];
}

const METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/** One item of a metadata-only list, with the apiVersion and kind of the resource listed. */
export interface KubeListedMetadata {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly managedFields?: readonly {
      manager?: string;
      operation?: string;
      subresource?: string;
      time?: string;
    }[];
    readonly ownerReferences?: readonly unknown[];
    readonly resourceVersion?: string;
  };
}

export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface ClientOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Per-request timeout (ms). */
  readonly timeoutMs?: number;
}

/** A Kubernetes `Status` error body. */
export interface KubeStatus {
  readonly kind?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

/** The API server could not be reached at all (connection refused, DNS, TLS, timeout). */
export class KubeUnreachableError extends Error {
  constructor(
    readonly server: string,
    options: { cause: unknown },
  ) {
    super(`cannot reach the Kubernetes API at ${server}: ${(options.cause as Error).message}`, options);
    this.name = "KubeUnreachableError";
  }
}

const RETRYABLE = new Set([429, 503, 504]);
const RETRY_DELAYS_MS = [100, 200, 400, 800, 1600, 3200, 3200, 3200, 3200];

export class KubeClient {
  private discovery: Map<string, ResourceInfo> | undefined;
  private readonly agent: Agent;
  /** Connections opened so far (a request on a kept-alive connection opens none). */
  connectionsOpened = 0;
  /** Answers "429 Too Many Requests" so far (API Priority and Fairness rejecting a request). */
  throttled = 0;

  private constructor(
    private readonly config: KubeConfig,
    readonly server: string,
    readonly context: string,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 16 });
  }

  static fromKubeconfig(options: ClientOptions = {}): KubeClient {
    const config = new KubeConfig();
    try {
      if (options.kubeconfig === undefined) config.loadFromDefault();
      else config.loadFromFile(options.kubeconfig);
    } catch (cause) {
      throw failure(
        "deploy/kubeconfig",
        `cannot read the kubeconfig ${options.kubeconfig ?? "(default: $KUBECONFIG or ~/.kube/config)"}: ${(cause as Error).message}`,
        "pass --kubeconfig with a readable kubeconfig file",
        cause,
      );
    }
    if (options.context !== undefined) {
      if (!config.getContexts().some((c) => c.name === options.context)) {
        throw failure(
          "usage/context",
          `the kubeconfig has no context ${JSON.stringify(options.context)}; it has ${config
            .getContexts()
            .map((c) => JSON.stringify(c.name))
            .join(", ")}`,
          "pass one of these with --context",
        );
      }
      config.setCurrentContext(options.context);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) {
      throw failure(
        "deploy/kubeconfig",
        "the kubeconfig has no current cluster",
        "set a current context, or pass --context",
      );
    }
    return new KubeClient(config, cluster.server, config.getCurrentContext(), options.timeoutMs ?? 30_000);
  }

  close(): void {
    this.agent.destroy();
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      contentType?: string;
      accept?: string;
      query?: Record<string, string | undefined>;
    } = {},
  ): Promise<KubeResponse<T>> {
    const url = new URL(path, this.server.endsWith("/") ? this.server : `${this.server}/`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const payload =
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body);
    const requestOptions: RequestOptions = {
      method,
      agent: this.agent,
      headers: {
        Accept: options.accept ?? "application/json",
        ...(payload === undefined
          ? {}
          : {
              "Content-Type": options.contentType ?? "application/json",
              "Content-Length": Buffer.byteLength(payload),
            }),
      },
      timeout: this.timeoutMs,
    };
    await this.config.applyToHTTPSOptions(requestOptions);
    // The library hands every call an agent of its own, so every request opened a new TLS
    // connection. Ours keeps connections alive; the TLS material (CA, client certificate,
    // skip-verify) stays on the request options, which the agent pools connections by.
    requestOptions.agent = this.agent;
    return await new Promise<KubeResponse<T>>((resolve, reject) => {
      const req = httpsRequest(url, requestOptions, (res) => {
        if (!req.reusedSocket) this.connectionsOpened += 1;
        if (res.statusCode === 429) this.throttled += 1;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            // Not JSON (a proxy's error page): keep the text for the error message.
          }
          resolve({ status: res.statusCode ?? 0, body: body as T });
        });
        res.on("error", (cause) => reject(new KubeUnreachableError(this.server, { cause })));
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", (cause) => reject(new KubeUnreachableError(this.server, { cause })));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /**
   * A request whose non-2xx answer becomes a KubeApiError with the server's message. Answers
   * that say "try again" (429 Too Many Requests, 503 while storage initialises, 504) are
   * retried with back-off for up to about 15 s.
   */
  async call<T = unknown>(
    method: string,
    path: string,
    options: Parameters<KubeClient["request"]>[2] = {},
  ): Promise<KubeResponse<T>> {
    let response = await this.request<T>(method, path, options);
    for (let attempt = 0; RETRYABLE.has(response.status) && attempt < RETRY_DELAYS_MS.length; attempt++) {
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
      response = await this.request<T>(method, path, options);
    }
    if (response.status >= 200 && response.status < 300) return response;
    const status = response.body as KubeStatus | string | undefined;
    const message =
      typeof status === "object" && status !== null ? (status.message ?? "") : String(status ?? "");
    const reason = typeof status === "object" && status !== null ? (status.reason ?? "") : "";
    throw new KubeApiError(response.status, reason, message || `HTTP ${response.status}`);
  }

  /** The REST resource that serves an apiVersion/kind, from discovery (refreshed on a miss). */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const key = `${apiVersion}/${kind}`;
    if (!this.discovery) this.discovery = await this.discover();
    let found = this.discovery.get(key);
    if (!found) {
      this.discovery = await this.discover();
      found = this.discovery.get(key);
    }
    return found;
  }

  /** Every resource that can be listed, one per group and kind (the first version discovery names). */
  async listableResources(): Promise<ResourceInfo[]> {
    if (!this.discovery) this.discovery = await this.discover();
    const seen = new Set<string>();
    return [...this.discovery.values()].filter((info) => {
      const groupKind = `${info.group}/${info.kind}`;
      if (!info.verbs.includes("list") || seen.has(groupKind)) return false;
      seen.add(groupKind);
      return true;
    });
  }

  /**
   * The metadata of every object in a namespace, kind by kind (every listable namespaced
   * resource the cluster serves). An aggregated API that does not answer is passed over: what
   * it serves is nothing tenantctl made or keeps.
   */
  async *namespacedMetadata(namespace: string, labelSelector?: string): AsyncGenerator<KubeListedMetadata> {
    for (const info of await this.listableResources()) {
      if (!info.namespaced) continue;
      let items: KubeListedMetadata[];
      try {
        items = await this.listMetadata(info, namespace, labelSelector);
      } catch (error) {
        if (error instanceof KubeApiError) continue;
        throw error;
      }
      yield* items;
    }
  }

  /**
   * The metadata of every object of a resource (in one namespace, or everywhere), page by
   * page: the API server's PartialObjectMetadataList, so Secrets' values are never fetched.
   */
  async listMetadata(
    info: ResourceInfo,
    namespace?: string,
    labelSelector?: string,
  ): Promise<KubeListedMetadata[]> {
    const out: KubeListedMetadata[] = [];
    const apiVersion = info.group === "" ? info.version : `${info.group}/${info.version}`;
    let next: string | undefined;
    do {
      const response = await this.call<{
        items?: Omit<KubeListedMetadata, "apiVersion" | "kind">[];
        metadata?: { continue?: string };
      }>("GET", this.path(info, namespace), {
        accept: METADATA_LIST,
        query: { limit: "500", labelSelector, ...(next === undefined ? {} : { continue: next }) },
      });
      for (const item of response.body.items ?? []) out.push({ ...item, apiVersion, kind: info.kind });
      next = response.body.metadata?.continue || undefined;
    } while (next !== undefined);
    return out;
  }

  /** Forget discovery, e.g. after CRDs were installed. */
  invalidateDiscovery(): void {
    this.discovery = undefined;
  }

  path(info: ResourceInfo, namespace?: string, name?: string): string {
    const base = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
    const ns =
      info.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${base}${ns}/${info.resource}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
  }

  private async discover(): Promise<Map<string, ResourceInfo>> {
    const out = new Map<string, ResourceInfo>();
    type ResourceList = {
      resources: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
    };
    const add = (group: string, version: string, list: ResourceList) => {
      for (const r of list.resources) {
        if (r.name.includes("/")) continue;
        const apiVersion = group === "" ? version : `${group}/${version}`;
        out.set(`${apiVersion}/${r.kind}`, {
          group,
          version,
          kind: r.kind,
          resource: r.name,
          namespaced: r.namespaced,
          verbs: r.verbs ?? [],
        });
      }
    };
    add("", "v1", (await this.call<ResourceList>("GET", "/api/v1")).body);
    const groups = (
      await this.call<{ groups: { name: string; versions: { version: string }[] }[] }>("GET", "/apis")
    ).body.groups;
    const lists = await Promise.all(
      groups.flatMap((g) =>
        g.versions.map(async (v) => {
          const r = await this.request<ResourceList>("GET", `/apis/${g.name}/${v.version}`);
          return { group: g.name, version: v.version, list: r.status === 200 ? r.body : { resources: [] } };
        }),
      ),
    );
    for (const { group, version, list } of lists) add(group, version, list);
    return out;
  }
}
