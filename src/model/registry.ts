/**
 * The container registry of a platform with `ci:`: ECR repositories per product in one
 * cluster's account, the roles application pipelines assume by OIDC to push there, and the
 * other clusters' accounts that pull.
 */
import type { CiSpec, Platform } from "../input/schema.js";
import { clusterKeys, clusterOf } from "./clusters.js";

/** The ECR repositories of the products and who may push and pull (aws/stacks/ci.ts builds them). */
export interface RegistryModel {
  readonly provider: CiSpec["provider"];
  /** The OIDC issuer's host, e.g. token.actions.githubusercontent.com. */
  readonly issuer: string;
  readonly oidcProviderArn: string | undefined;
  readonly products: readonly {
    readonly product: string;
    readonly repository: string;
    readonly branches: readonly string[];
    /** `<product>/<component>`: the repositories its pipeline may push to. */
    readonly ecrRepositories: readonly string[];
    /** The OIDC token subjects of its pipelines on those branches, as the issuer writes them. */
    readonly subjects: readonly string[];
  }[];
  /** The other clusters' accounts: they pull, never push. */
  readonly pullAccounts: readonly string[];
}

const ISSUERS: Record<CiSpec["provider"], string> = {
  github: "token.actions.githubusercontent.com",
  gitlab: "gitlab.com",
};

/** The registry, if the cluster of this key (undefined: the only cluster) holds it. */
export function registryOf(spec: Platform, key: string | undefined): RegistryModel | undefined {
  const ci = spec.ci;
  if (ci === undefined) return undefined;
  const keys = clusterKeys(spec);
  const host = ci.registryCluster ?? keys[0];
  if (key !== host) return undefined;
  const own = key === undefined ? spec.cluster.awsAccountId : clusterOf(spec, key).awsAccountId;
  const accounts = keys.map((k) => clusterOf(spec, k).awsAccountId);
  return {
    provider: ci.provider,
    issuer: ci.issuer ?? ISSUERS[ci.provider],
    oidcProviderArn: ci.oidcProviderArn,
    products: Object.entries(ci.repositories).map(([product, r]) => ({
      product,
      repository: r.repository,
      branches: r.branches,
      ecrRepositories: Object.keys(spec.products[product]?.components ?? {}).map((c) => `${product}/${c}`),
      subjects: ciSubjects(ci.provider, r.repository, r.branches),
    })),
    pullAccounts: [...new Set(accounts)].filter((a) => a !== own).sort(),
  };
}

/** The token's subject of a pipeline run on a branch, as each issuer writes it. */
function ciSubjects(provider: CiSpec["provider"], repository: string, branches: readonly string[]): string[] {
  return branches.map((branch) =>
    provider === "github"
      ? `repo:${repository}:ref:refs/heads/${branch}`
      : `project_path:${repository}:ref_type:branch:ref:${branch}`,
  );
}
