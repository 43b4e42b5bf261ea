/**
 * What a tenant gets for every setting that neither the tenant nor `defaults:` sets.
 * The n8n version comes from src/versions.ts; a tenant may override it.
 * Figures are sized so that the default footprint fits the default quota with room for
 * the workers to scale to their maximum.
 */
import { PINNED } from "../versions.js";
import type {
  AlertReceiverSettings,
  DatabaseIsolation,
  RabbitmqIsolation,
  RedisIsolation,
  Tier,
} from "../input/schema.js";

export const DEFAULT_N8N_VERSION = PINNED.n8n;

export interface ComputeAmounts {
  readonly cpu: string;
  readonly memory: string;
}
export interface EffectiveResources {
  readonly requests: ComputeAmounts;
  readonly limits: ComputeAmounts;
}

export interface EffectiveSettings {
  /** "n8n" or the name of a product under `products:`. */
  readonly product: string;
  readonly tier: Tier;
  readonly database: {
    readonly isolation: DatabaseIsolation;
    readonly storage: string;
    /** Undefined means: 1 for the shared tier, 2 for the dedicated tier. */
    readonly instances: number | undefined;
    readonly resources: EffectiveResources;
    /** Set: a PgBouncer pooler in front of the tenant's own server (its fields default in model/footprint.ts). */
    readonly pooler:
      | { readonly instances?: number; readonly poolMode?: "transaction" | "session" }
      | undefined;
    /** Set: the server is a restore, generation N, bootstrapped from generation N-1's backups. */
    readonly restore?: { readonly generation: number; readonly pointInTime?: string | undefined } | undefined;
  };
  readonly redis: { readonly isolation: RedisIsolation; readonly resources: EffectiveResources };
  readonly rabbitmq: {
    readonly isolation: RabbitmqIsolation;
    readonly replicas: 1 | 3;
    readonly storage: string;
    readonly resources: EffectiveResources;
  };
  readonly quota: {
    readonly cpu: string;
    readonly memory: string;
    /** Unset means 3× the cpu and 2× the memory requests quota. */
    readonly limits: Partial<ComputeAmounts>;
    readonly storage: string;
    readonly pods: number;
    readonly persistentVolumeClaims: number;
  };
  readonly n8n: {
    readonly version: string;
    /** Set while a version change is under way: the version the data was at (tenantctl upgrade). */
    readonly upgradeFrom?: string | undefined;
    readonly main: { readonly replicas: number; readonly resources: EffectiveResources };
    readonly webhook: {
      readonly enabled: boolean;
      readonly min: number;
      readonly max: number;
      readonly resources: EffectiveResources;
    };
    readonly workers: {
      readonly min: number;
      readonly max: number;
      readonly concurrency: number;
      readonly targetQueueLength: number;
      readonly resources: EffectiveResources;
    };
    readonly expressions: {
      readonly engine: "vm" | "legacy";
      /** Undefined: derived per role (products/n8n/expressions.ts). */
      readonly poolSize: number | undefined;
      readonly timeoutMs: number;
      readonly memoryLimitMb: number;
      readonly compileCache: boolean;
      /** Undefined: n8n's default, the pool is kept. */
      readonly idleSeconds: number | undefined;
    };
    readonly executions: {
      readonly saveSuccessful: "all" | "none";
      readonly saveFailed: "all" | "none";
      readonly saveProgress: boolean;
      readonly saveManual: boolean;
      readonly pruneAfterHours: number;
      readonly pruneMaxCount: number;
    };
  };
  readonly admins: readonly string[];
  readonly viewers: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Component → image, in place of the product's. */
  readonly images: Readonly<Record<string, string>>;
  readonly alerts: {
    readonly receivers: readonly AlertReceiverSettings[];
  };
  readonly hibernation: {
    readonly asleep: boolean;
    /** "30m", "2h"; undefined: it sleeps only when told to. */
    readonly idleAfter: string | undefined;
  };
}

export const res = (
  cpu: string,
  memory: string,
  limitCpu: string,
  limitMemory: string,
): EffectiveResources => ({
  requests: { cpu, memory },
  limits: { cpu: limitCpu, memory: limitMemory },
});

export const BUILTIN_SETTINGS: EffectiveSettings = {
  product: "n8n",
  tier: "shared",
  database: {
    isolation: "cluster",
    storage: "10Gi",
    instances: undefined,
    resources: res("250m", "512Mi", "1", "1Gi"),
    pooler: undefined,
  },
  redis: { isolation: "instance", resources: res("50m", "64Mi", "250m", "256Mi") },
  // The cluster operator's own default is 1 CPU / 2Gi; a tenant's broker starts smaller.
  rabbitmq: {
    isolation: "instance",
    replicas: 1,
    storage: "10Gi",
    resources: res("250m", "512Mi", "1", "1Gi"),
  },
  quota: { cpu: "4", memory: "8Gi", limits: {}, storage: "40Gi", pods: 40, persistentVolumeClaims: 10 },
  n8n: {
    version: DEFAULT_N8N_VERSION,
    main: { replicas: 1, resources: res("250m", "512Mi", "1", "1Gi") },
    webhook: { enabled: true, min: 1, max: 3, resources: res("100m", "256Mi", "500m", "512Mi") },
    workers: {
      min: 1,
      max: 5,
      concurrency: 10,
      targetQueueLength: 5,
      resources: res("250m", "512Mi", "1", "1Gi"),
    },
    // n8n's own defaults (its ExpressionEngineConfig), the isolated engine first.
    // compileCache is tenantctl's choice (n8n's default is false): docs/benchmarks.md, throughput.
    expressions: {
      engine: "vm",
      poolSize: undefined,
      timeoutMs: 5000,
      memoryLimitMb: 128,
      compileCache: true,
      idleSeconds: undefined,
    },
    // n8n's own defaults (its ExecutionsConfig), said in every tenant's environment.
    executions: {
      saveSuccessful: "all",
      saveFailed: "all",
      saveProgress: false,
      saveManual: true,
      pruneAfterHours: 336,
      pruneMaxCount: 10_000,
    },
  },
  admins: [],
  viewers: [],
  labels: {},
  images: {},
  hibernation: { asleep: false, idleAfter: undefined },
  alerts: { receivers: [] },
};
