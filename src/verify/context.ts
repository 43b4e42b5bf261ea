import { type Endpoint, namespacesOf, platformEndpoints, workloadEndpoints } from "./network/endpoints.js";
import { type Connection, Reachability } from "./network/reachability.js";
import { ipSetOf } from "./network/address-egress.js";
import { type PolicyProblem, parsePolicies } from "./network/policies.js";
import type { SourcedObject, VerifyInput } from "./input.js";
import { namespaceOwners, type Scope } from "./ownership.js";
import { groupBy } from "../lib/group-by.js";

/**
 * What the rules share, computed once: endpoints, parsed policies, the reachability engine
 * and the flows that leave tenant and zone pods. Rules read it; none of them changes it.
 */
export class VerifyContext {
  readonly reachability: Reachability;
  readonly policyProblems: readonly PolicyProblem[];
  private flowCache: readonly Connection[] | undefined;
  private scopedCache: readonly Endpoint[] | undefined;
  private readonly objectsByNamespace: ReadonlyMap<string, SourcedObject[]>;
  /** Namespace → the tenant and zone it belongs to, from the model (not from labels). */
  readonly namespaceScope: ReadonlyMap<string, Scope>;

  constructor(readonly input: VerifyInput) {
    this.namespaceScope = namespaceOwners(input.model, input.tenancy);
    const endpoints = [
      ...workloadEndpoints(input.objects, this.namespaceScope),
      ...platformEndpoints(input.model),
    ];
    const { policies, problems } = parsePolicies(input.objects);
    this.policyProblems = problems;
    this.reachability = new Reachability(
      endpoints,
      namespacesOf(input.objects, endpoints),
      policies,
      ipSetOf([input.model.cluster.podCidr ?? input.model.cluster.vpcCidr]),
    );
    this.objectsByNamespace = groupBy(input.objects, ({ object }) =>
      object.kind === "Namespace" ? object.metadata.name : object.metadata.namespace,
    );
  }

  /** The objects in a namespace, and the Namespace object itself. */
  objectsIn(namespace: string): readonly SourcedObject[] {
    return this.objectsByNamespace.get(namespace) ?? [];
  }

  get model() {
    return this.input.model;
  }

  get endpoints(): readonly Endpoint[] {
    return this.reachability.endpoints;
  }

  /** Endpoints in a tenant's namespace or a zone's data namespace. */
  get scopedEndpoints(): readonly Endpoint[] {
    this.scopedCache ??= this.endpoints.filter((e) => e.zone !== undefined);
    return this.scopedCache;
  }

  /**
   * Every connection whose source is a tenant or zone pod. The candidates come from the
   * source's own egress rules, so a well-isolated platform costs O(endpoints × peers).
   */
  get flows(): readonly Connection[] {
    this.flowCache ??= this.scopedEndpoints.flatMap((source) => this.reachability.connectionsFrom(source));
    return this.flowCache;
  }
}
