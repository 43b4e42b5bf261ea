/**
 * Internal n8n never reaches customer data: no pod of a zone without customer data may
 * connect to a customer-data CIDR (or another network its zone denies), nor to any pod
 * of a customer-data zone.
 */
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { egressInto, ipSetOf } from "../network/address-egress.js";
import {
  describeAllowance,
  endpointRef,
  explainConnection,
  objectsOfConnection,
  openSide,
} from "../network/explain.js";

export const internalZoneEgress: VerifyRule = {
  id: "internal-zone-egress",
  severity: "error",
  title: "Internal zone reaches customer data",
  description:
    "Pods of a zone without customer data must reach no customer-data CIDR of any zone, no network their zone denies, and no pod of a customer-data zone.",
  check(ctx) {
    const out: Finding[] = [];
    const customerZones = new Set(ctx.model.zones.filter((z) => z.customerData).map((z) => z.name));
    for (const zone of ctx.model.zones) {
      if (zone.customerData) continue;
      const forbidden = ipSetOf(zone.deniedEgressCidrs);
      if (forbidden.isEmpty()) continue;
      const networks = zone.deniedEgressCidrs.join(", ");
      for (const source of ctx.scopedEndpoints) {
        if (source.zone !== zone.name) continue;
        const egress = egressInto(ctx, source, forbidden);
        if (egress.open) {
          out.push(
            findingOf(this, {
              message: `${source.id} (internal zone ${zone.name}) is selected by no egress policy: it reaches ${networks}`,
              objects: [endpointRef(source)],
              path: [openSide(source, "egress")],
              fix: "keep the namespace's default deny; allow the internet only with an ipBlock whose except lists the zone's denied networks",
              tenant: source.tenant,
            }),
          );
          continue;
        }
        for (const { policy, rule, ports, reached } of egress.hits) {
          out.push(
            findingOf(this, {
              message: `${source.id} (internal zone ${zone.name}) can reach ${reached.map((r) => r.hit.toString()).join(", ")} (denied to the zone: ${networks}) on ${ports.toString()}`,
              objects: [endpointRef(source), refOf(policy.source)],
              path: [
                `egress of ${source.id}: ${describeAllowance({ policy, direction: "egress", rule: rule.index, peer: undefined, connections: ports })} to ${reached.map((r) => r.text).join("; ")}`,
              ],
              fix: `add ${networks} to the except list of the ipBlock in spec.egress[${rule.index}] of ${policy.namespace}/${policy.name}`,
              tenant: source.tenant,
            }),
          );
        }
      }
    }
    for (const c of ctx.flows) {
      const from = ctx.model.zones.find((z) => z.name === c.source.zone);
      if (from === undefined || from.customerData || !customerZones.has(c.destination.zone ?? "")) continue;
      out.push(
        findingOf(this, {
          message: `${c.source.id} (internal zone ${from.name}) can connect to ${c.destination.id} (customer-data zone ${c.destination.zone}): ${c.connections.toString()}`,
          objects: objectsOfConnection(c),
          path: explainConnection(c),
          fix: "remove the allowance on the path; internal pods may only reach their own namespace's services and the public internet",
          tenant: c.source.tenant,
        }),
      );
    }
    return out;
  },
};
