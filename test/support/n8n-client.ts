/**
 * A small client of n8n's own REST API (what the editor uses), for end-to-end tests: owner
 * set-up, login cookie, workflows, activation, executions, credentials.
 */
export class N8nClient {
  private cookie = "";

  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { "content-type": "application/json", ...(this.cookie ? { cookie: this.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0] ?? "";
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed as T };
  }

  async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request<{ data: T }>(method, `/rest${path}`, body);
    if (r.status >= 300)
      throw new Error(`${method} /rest${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body.data;
  }

  async setUpOwner(email = "owner@example.com", password = "Tenantctl-Test-1"): Promise<void> {
    const setup = await this.request("POST", "/rest/owner/setup", {
      email,
      firstName: "Test",
      lastName: "Owner",
      password,
    });
    if (setup.status >= 300) await this.login(email, password);
  }

  async login(email = "owner@example.com", password = "Tenantctl-Test-1"): Promise<void> {
    await this.rest("POST", "/login", { emailOrLdapLoginId: email, password });
  }

  /** Creates a workflow and activates it. */
  async activeWorkflow(
    name: string,
    nodes: unknown[],
    connections: Record<string, unknown>,
  ): Promise<{ id: string }> {
    const workflow = await this.rest<{ id: string; versionId: string }>("POST", "/workflows", {
      name,
      active: false,
      settings: { executionOrder: "v1" },
      connections,
      nodes,
    });
    await this.rest("POST", `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
    return { id: workflow.id };
  }

  /** A Webhook → Set workflow answering on POST /webhook/<path> with `{ echo: body.value }`. */
  async webhookWorkflow(path: string): Promise<{ id: string }> {
    return this.activeWorkflow(
      `webhook ${path}`,
      [webhookNode(path, "lastNode"), echoNode()],
      connectNodes("Webhook", "Set"),
    );
  }

  async executions(workflowId: string): Promise<{ id: string; status: string; mode: string }[]> {
    const filter = encodeURIComponent(JSON.stringify({ workflowId }));
    const data = await this.rest<{ results: { id: string; status: string; mode: string }[] }>(
      "GET",
      `/executions?filter=${filter}`,
    );
    return data.results;
  }
}

/**
 * POSTs `{ value }` to a production webhook, again while n8n answers that it is not registered:
 * n8n 2.x registers an activated workflow's webhooks asynchronously (about a second here),
 * so a client that calls right after activating is told 404 "not registered" first.
 */
export async function postWebhook(url: string, value: string, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value }),
    });
    if (response.status !== 404 || Date.now() > deadline) return response;
    const text = await response.text();
    if (!text.includes("not registered")) return new Response(text, { status: 404 });
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A production Webhook trigger on POST /webhook/<path>. */
export function webhookNode(path: string, responseMode: "lastNode" | "onReceived"): Record<string, unknown> {
  return {
    id: "webhook",
    name: "Webhook",
    type: "n8n-nodes-base.webhook",
    typeVersion: 2,
    position: [0, 0],
    webhookId: path,
    parameters: { httpMethod: "POST", path, responseMode, options: {} },
  };
}

/** A Set node answering `{ echo: <the posted value> }`. */
export function echoNode(): Record<string, unknown> {
  return {
    id: "set",
    name: "Set",
    type: "n8n-nodes-base.set",
    typeVersion: 3.4,
    position: [200, 0],
    parameters: {
      assignments: {
        assignments: [{ id: "a", name: "echo", value: "={{ $json.body.value }}", type: "string" }],
      },
      options: {},
    },
  };
}

/** The connection of one node to the next (not named `then`: a module exporting `then` is a thenable). */
export function connectNodes(from: string, to: string): Record<string, unknown> {
  return { [from]: { main: [[{ node: to, type: "main", index: 0 }]] } };
}

/** An HTTP Request node named Call that GETs `url` with an httpHeaderAuth credential (the header it holds). */
export function credentialCallNode(
  url: string,
  credential: { id: string; name: string },
): Record<string, unknown> {
  return {
    id: "call",
    name: "Call",
    type: "n8n-nodes-base.httpRequest",
    typeVersion: 4.2,
    position: [200, 0],
    parameters: {
      url,
      authentication: "genericCredentialType",
      genericAuthType: "httpHeaderAuth",
      options: {},
    },
    credentials: { httpHeaderAuth: credential },
  };
}

/** A Stop and Error node named Stop: the execution ends in an error. */
export function stopAndErrorNode(): Record<string, unknown> {
  return {
    id: "stop",
    name: "Stop",
    type: "n8n-nodes-base.stopAndError",
    typeVersion: 1,
    position: [200, 0],
    parameters: { errorMessage: "failing on purpose" },
  };
}
