/**
 * What a product of `products:` cannot run with, beyond the schema: checked once per product
 * (not per tenant), each problem at the line that says it.
 */
import { own } from "../../lib/own.js";
import type { PathSegment } from "../../diagnostics/diagnostic.js";
import { oneOf, quote } from "../../diagnostics/path.js";
import type { Located } from "../../input/issues.js";
import type { Component, ServiceProduct } from "../../input/schema.js";
import { closest } from "../../input/suggest.js";
import { SECRET_ITEM } from "../../model/names.js";
import { DATA_SERVICE_OF } from "./declaration.js";
import { injectedEnvNames } from "./env.js";

/** Items that hold the data services' credentials: a component's env may not read them by name. */
const RESERVED_ITEMS: readonly string[] = Object.values(SECRET_ITEM);

export function checkServiceProduct(name: string, product: ServiceProduct): Located[] {
  const out: Located[] = [];
  const at = (component: string, ...rest: PathSegment[]): PathSegment[] => [
    "products",
    name,
    "components",
    component,
    ...rest,
  ];
  const add = (path: PathSegment[], code: string, message: string, hint: string) =>
    out.push({
      code,
      severity: "error",
      path,
      message: `products.${name}.${pathText(path.slice(2))}: ${message}`,
      hint,
    });
  const components = Object.keys(product.components);
  const called = new Set<string>();
  const routes = new Map<string, string>();
  for (const [component, c] of Object.entries(product.components)) {
    (c.talksTo ?? []).forEach((target, t) => {
      if (own(product.components, target) !== undefined) {
        if (target === component)
          add(
            at(component, "talksTo", t),
            "spec/unknown-talks-to",
            `${quote(target)} is the component itself`,
            "remove it: a component reaches its own pods without a policy",
          );
        else called.add(target);
        return;
      }
      if (own(DATA_SERVICE_OF, target) !== undefined) return;
      const allowed = [...components.filter((n) => n !== component), ...Object.keys(DATA_SERVICE_OF)];
      const guess = closest(target, allowed);
      add(
        at(component, "talksTo", t),
        "spec/unknown-talks-to",
        `${quote(target)} is neither a component of ${quote(name)} nor a data service; expected ${oneOf(allowed)}`,
        guess === undefined
          ? "name another component of this product, or postgres, redis or rabbitmq"
          : `did you mean ${quote(guess)}?`,
      );
    });
    checkScaling(component, c, at, add);
    (c.routes ?? []).forEach((route, r) => {
      const key = `${route.host ?? ""} ${route.path}`;
      const other = routes.get(key);
      if (other !== undefined)
        add(
          at(component, "routes", r),
          "spec/route-collision",
          `host ${quote(route.host ?? "(the tenant's hostname)")} path ${quote(route.path)} is already a route of component ${quote(other)}`,
          "give one of the two another path or host",
        );
      else routes.set(key, component);
    });
    const injected = injectedEnvNames(c);
    const fields: [PathSegment[], Record<string, unknown> | undefined][] = [
      [["env"], c.env],
      [["secretEnv"], c.secretEnv],
      [["local", "env"], c.local?.env],
    ];
    for (const [field, values] of fields) {
      for (const variable of Object.keys(values ?? {})) {
        if (injected.has(variable) || (field[0] === "local" && variable === "PORT"))
          add(
            at(component, ...field, variable),
            "spec/reserved-env",
            injected.has(variable)
              ? `${quote(variable)} is set by tenantctl from the data services the component talks to`
              : `${quote(variable)} is set by tenantctl to the port it gives the process on this machine`,
            "use another name, or read the value tenantctl sets",
          );
      }
    }
    for (const [variable, ref] of Object.entries(c.secretEnv ?? {})) {
      if (RESERVED_ITEMS.includes(ref.item))
        add(
          at(component, "secretEnv", variable, "item"),
          "spec/reserved-secret-item",
          `${quote(ref.item)} holds credentials tenantctl manages; expected another item name`,
          "put the value in a secret item of its own under <zone>/<tenant>/",
        );
    }
  }
  for (const [component, c] of Object.entries(product.components)) {
    if (c.port !== undefined) continue;
    const why =
      (c.routes ?? []).length > 0
        ? "it has routes"
        : called.has(component)
          ? "other components talk to it"
          : c.probes?.readiness !== undefined && "path" in c.probes.readiness
            ? "its readiness probe is an HTTP path"
            : c.probes?.liveness !== undefined && "path" in c.probes.liveness
              ? "its liveness probe is an HTTP path"
              : undefined;
    if (why !== undefined)
      add(
        at(component),
        "spec/component-without-port",
        `has no port, but ${why}`,
        "set the port it serves on, e.g. port: 8000",
      );
  }
  return out;
}

function checkScaling(
  component: string,
  c: Component,
  at: (component: string, ...rest: PathSegment[]) => PathSegment[],
  add: (path: PathSegment[], code: string, message: string, hint: string) => void,
): void {
  const min = c.replicas?.min ?? 1;
  const max = c.replicas?.max ?? Math.max(min, 1);
  if (min > max) {
    add(
      at(component, "replicas", "min"),
      "spec/min-above-max",
      `min ${min} is above max ${max}`,
      "set replicas.min to at most replicas.max",
    );
    return;
  }
  const a = c.autoscaling;
  const triggers =
    a === undefined
      ? []
      : (["cpu", "memory", "rabbitmq", "prometheus"] as const).filter((t) => a[t] !== undefined);
  if (a !== undefined && triggers.length === 0)
    add(
      at(component, "autoscaling"),
      "spec/autoscaling-without-trigger",
      "names no trigger",
      "set cpu, memory, rabbitmq or prometheus",
    );
  if (a === undefined && max > min)
    add(
      at(component, "replicas", "max"),
      "spec/autoscaling-without-trigger",
      `max ${max} is above min ${min}, but nothing scales the component`,
      "add autoscaling (cpu, memory, rabbitmq or prometheus), or set max to min",
    );
  if (min === 0 && !triggers.some((t) => t === "rabbitmq" || t === "prometheus"))
    add(
      at(component, "replicas", "min"),
      "spec/scale-to-zero-needs-event-trigger",
      "0 replicas need an event trigger to wake up (CPU and memory are measured on running pods)",
      "add autoscaling.rabbitmq or autoscaling.prometheus, or set replicas.min to 1",
    );
  if (a?.rabbitmq !== undefined && !(c.talksTo ?? []).includes("rabbitmq"))
    add(
      at(component, "autoscaling", "rabbitmq"),
      "spec/trigger-without-data-service",
      "scales on a RabbitMQ queue, but the component does not talk to rabbitmq",
      'add "rabbitmq" to its talksTo',
    );
}

function pathText(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
