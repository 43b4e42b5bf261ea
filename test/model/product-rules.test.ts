import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { type Diagnostic, isError } from "../../src/diagnostics/diagnostic.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { PRODUCTS_SPEC } from "../support/platforms.js";

/** The products example, edited: what a service product cannot run with is refused at its line. */
const productsWith = (edit: (doc: ReturnType<typeof parseDocument>) => void): string => {
  const doc = parseDocument(readFileSync(PRODUCTS_SPEC, "utf8"));
  edit(doc);
  return doc.toString();
};
const check = (text: string): readonly Diagnostic[] => validateSpecText(text, "platform.yaml").diagnostics;
const only = (text: string) => check(text).map((d) => d.code);
const SHOP = ["products", "shop", "components"];

describe("service product rules", () => {
  it("accepts the products example without a single error or warning", () => {
    expect(check(productsWith(() => undefined))).toEqual([]);
  });

  it("fails when talksTo names neither a component nor a data service, with a did-you-mean", () => {
    const found = check(productsWith((doc) => doc.setIn([...SHOP, "web", "talksTo"], ["apii"])));
    expect(found.map((d) => d.code)).toEqual(["spec/unknown-talks-to"]);
    expect(found[0]?.hint).toBe('did you mean "api"?');
    expect(found[0]?.message).toContain("products.shop.components.web.talksTo[0]");
    expect(found[0]?.location?.line).toBeGreaterThan(30);
  });

  it("fails when a tenant runs a product the spec does not declare", () => {
    const found = check(productsWith((doc) => doc.setIn(["tenants", 2, "product"], "shp")));
    expect(found.map((d) => d.code)).toEqual(["spec/unknown-product"]);
    expect(found[0]?.hint).toBe('did you mean "shop"?');
  });

  it("fails when a component is routed to or called but serves no port", () => {
    expect(only(productsWith((doc) => doc.deleteIn([...SHOP, "automation", "port"])))).toEqual([
      "spec/component-without-port",
    ]);
  });

  it("fails when max is above min with nothing to scale on, and when scale-to-zero has no event trigger", () => {
    expect(only(productsWith((doc) => doc.deleteIn([...SHOP, "web", "autoscaling"])))).toEqual([
      "spec/autoscaling-without-trigger",
    ]);
    expect(only(productsWith((doc) => doc.setIn([...SHOP, "web", "replicas", "min"], 0)))).toEqual([
      "spec/scale-to-zero-needs-event-trigger",
    ]);
    // The workers wake up on their queue: 0 is fine there.
    expect(only(productsWith((doc) => doc.setIn([...SHOP, "worker", "replicas", "min"], 0)))).toEqual([]);
  });

  it("fails when a component scales on a queue it does not talk to", () => {
    expect(only(productsWith((doc) => doc.setIn([...SHOP, "worker", "talksTo"], ["postgres"])))).toEqual([
      "spec/trigger-without-data-service",
    ]);
  });

  it("fails when two components share a route, or a route's host is another tenant's hostname", () => {
    expect(
      only(productsWith((doc) => doc.setIn([...SHOP, "automation", "routes"], [{ host: "api" }]))),
    ).toEqual(["spec/route-collision"]);
    const taken = productsWith((doc) =>
      doc.setIn(["tenants", 0, "hostname"], "api.shop-initech.apps.acme.example"),
    );
    expect(only(taken)).toEqual(["spec/hostname-collision"]);
  });

  it("fails when a component's env would override what tenantctl sets, or reads a managed secret item", () => {
    expect(
      only(productsWith((doc) => doc.setIn([...SHOP, "api", "env"], { PGHOST: "evil.example" }))),
    ).toEqual(["spec/reserved-env"]);
    // On this machine too: a local env may set neither the data services' variables nor PORT.
    const TASKS = ["products", "tasks", "components"];
    expect(
      only(
        productsWith((doc) => doc.setIn([...TASKS, "api", "local", "env", "RABBITMQ_HOST"], "evil.example")),
      ),
    ).toEqual(["spec/reserved-env"]);
    expect(only(productsWith((doc) => doc.setIn([...TASKS, "api", "local", "env", "PORT"], "80")))).toEqual([
      "spec/reserved-env",
    ]);
    expect(
      only(
        productsWith((doc) => doc.setIn([...SHOP, "api", "secretEnv", "X"], { item: "db", key: "password" })),
      ),
    ).toEqual(["spec/reserved-secret-item"]);
  });

  it("fails when a dedicated tenant's component asks for another node class", () => {
    const found = check(productsWith((doc) => doc.setIn(["tenants", 5, "product"], "shop"))).filter(isError);
    expect(found.map((d) => d.code)).toEqual([
      "spec/node-class-outside-own-pool",
      "spec/node-class-outside-own-pool",
    ]);
  });

  it("refuses a shared RabbitMQ vhost in a customer-data zone, and without External Secrets", () => {
    expect(
      only(productsWith((doc) => doc.setIn(["tenants", 2, "rabbitmq"], { isolation: "vhost" }))),
    ).toEqual(["spec/shared-data-service-in-customer-zone"]);
    expect(only(productsWith((doc) => doc.setIn(["secrets"], { provider: "generated" })))).toEqual(
      expect.arrayContaining([
        "spec/rabbitmq-vhost-needs-external-secrets",
        "spec/secret-env-needs-external-secrets",
      ]),
    );
  });

  it("fails when a component is named like the data services' objects, or an image has no tag", () => {
    const text = productsWith((doc) => {
      doc.setIn([...SHOP, "db"], doc.getIn([...SHOP, "automation"]));
      doc.setIn([...SHOP, "web", "image"], "ghcr.io/acme/shop-web");
    });
    expect(only(text).sort()).toEqual(["spec/invalid-format", "spec/invalid-key"].sort());
  });

  it("fails when a product is named like the labels of the data services' pods (a component could pose as Redis)", () => {
    const text = productsWith((doc) => {
      doc.setIn(["products", "redis"], doc.getIn(["products", "ledger"]));
      doc.setIn(
        ["products", "redis", "components", "queue"],
        doc.getIn(["products", "ledger", "components", "api"]),
      );
    });
    const found = check(text);
    expect(found.map((d) => d.code)).toEqual(["spec/invalid-key"]);
    expect(found[0]?.message).toContain('"redis"');
  });

  it("fails when a zone, product or talksTo names what every object inherits (constructor, toString), not as an internal error", () => {
    const codesOf = (edit: (doc: ReturnType<typeof parseDocument>) => void) => only(productsWith(edit));
    expect(codesOf((doc) => doc.setIn(["tenants", 0, "zone"], "constructor"))).toEqual(["spec/unknown-zone"]);
    expect(codesOf((doc) => doc.setIn(["tenants", 2, "product"], "constructor"))).toEqual([
      "spec/unknown-product",
    ]);
    expect(codesOf((doc) => doc.setIn([...SHOP, "web", "talksTo"], ["tostring", "constructor"]))).toEqual([
      "spec/unknown-talks-to",
      "spec/unknown-talks-to",
    ]);
  });

  it("counts the tenant's own RabbitMQ against its quota", () => {
    const found = check(
      productsWith((doc) =>
        doc.setIn(["tenants", 2, "quota"], { cpu: "8", memory: "16Gi", storage: "15Gi" }),
      ),
    );
    expect(found.map((d) => d.code)).toEqual(["spec/quota-below-requests"]);
    expect(found[0]?.message).toContain("20Gi");
  });
});

describe("PgBouncer pooler rules", () => {
  it("fails when an n8n tenant asks for a pooler, or a tenant without a server of its own", () => {
    const n8n = check(productsWith((doc) => doc.setIn(["tenants", 0, "database"], { pooler: {} })));
    expect(n8n.filter(isError).map((d) => d.code)).toEqual(["spec/pooler-not-for-n8n"]);
    expect(
      only(
        productsWith((doc) => doc.setIn(["tenants", 3, "database"], { isolation: "database", pooler: {} })),
      ),
    ).toEqual(["spec/pooler-needs-own-server"]);
  });
});
