/**
 * The front door's choice of a route, as an Ingress controller makes it: the rules of the
 * request's host (a route with a host label matches `<label>.<anything>`; routes without one
 * match every other host), then the longest path prefix that matches whole segments
 * (`/api` matches `/api` and `/api/x`, not `/apix`), then round-robin over its ports.
 */
import type { LocalRoute } from "../../products/contract/builders.js";

export function pathMatches(prefix: string, path: string): boolean {
  if (prefix === "/" || path === prefix) return true;
  return path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
}

/** The route a request goes to, or undefined (the Ingress answers 404 then). */
export function matchRoute(
  routes: readonly LocalRoute[],
  hostHeader: string | undefined,
  url: string,
): LocalRoute | undefined {
  const host = (hostHeader ?? "").replace(/:\d+$/, "").toLowerCase();
  const label = host.includes(".") ? host.slice(0, host.indexOf(".")) : undefined;
  const labelled = routes.filter((r) => r.host !== undefined && r.host === label);
  const candidates = labelled.length > 0 ? labelled : routes.filter((r) => r.host === undefined);
  const path = url.split("?")[0] ?? "/";
  return candidates.filter((r) => pathMatches(r.path, path)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** Round-robin over each route's ports, as a Service spreads connections over its pods. */
export class RouteBalancer {
  private readonly next = new Map<LocalRoute, number>();

  constructor(private readonly routes: readonly LocalRoute[]) {}

  target(hostHeader: string | undefined, url: string): number | undefined {
    const route = matchRoute(this.routes, hostHeader, url);
    if (route === undefined || route.ports.length === 0) return undefined;
    const i = this.next.get(route) ?? 0;
    this.next.set(route, (i + 1) % route.ports.length);
    return route.ports[i];
  }
}
