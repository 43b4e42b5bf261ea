/**
 * n8n's expression engine per process. Expressions are code the tenant writes; with the `vm`
 * engine (n8n's default since it has one) they run in V8 isolates apart from n8n's own
 * process, which holds the tenant's decrypted credentials while it executes. `legacy` runs
 * them in the process itself: faster, and nothing between an expression and that memory.
 *
 * The isolates form a pool per process; an evaluation waits for a free isolate. A worker
 * runs up to `concurrency` executions at once, so its pool is sized from what it may use:
 * one isolate per half CPU of its CPU limit, never more than its concurrency. Main (which
 * never executes workflows in queue mode) and webhook processors keep n8n's default of 1.
 *
 * Every execution gets a fresh isolate (the pool disposes a used one and makes another), and a
 * fresh isolate compiles n8n's expression runtime again: most of a worker's CPU per execution.
 * From n8n 2.40 the compiled runtime can be kept (`compileCache`, V8's code cache of n8n's own
 * bundle, never of tenant code): isolates stay one per execution, each starts faster.
 */
import { millicores } from "../../input/quantity.js";
import type { EffectiveSettings } from "../../model/defaults.js";
import type { N8nRole } from "../../model/names.js";
import { compareVersions } from "../../versions.js";

export interface ExpressionEngine {
  readonly engine: "vm" | "legacy";
  readonly poolSize: number;
  readonly timeoutMs: number;
  readonly memoryLimitMb: number;
  /** Seconds idle after which the pool is freed; undefined: kept (n8n's default). */
  readonly idleSeconds: number | undefined;
  /** Undefined where the release has no such setting (before COMPILE_CACHE_SINCE). */
  readonly compileCache: boolean | undefined;
}

/** The first n8n release with N8N_EXPRESSION_ENGINE_COMPILE_CACHE (its @n8n/config 2.38.0; 2.39.10 has none). */
export const COMPILE_CACHE_SINCE = "2.40.0";

/** Millicores of CPU limit per isolate a worker gets by default. */
export const MILLICORES_PER_ISOLATE = 500;

export function expressionEngine(settings: EffectiveSettings, role: N8nRole): ExpressionEngine {
  const { expressions, workers } = settings.n8n;
  const derived =
    role === "worker"
      ? Math.min(
          workers.concurrency,
          Math.max(1, Math.floor(millicores(workers.resources.limits.cpu) / MILLICORES_PER_ISOLATE)),
        )
      : 1;
  return {
    engine: expressions.engine,
    poolSize: expressions.poolSize ?? derived,
    timeoutMs: expressions.timeoutMs,
    memoryLimitMb: expressions.memoryLimitMb,
    idleSeconds: expressions.idleSeconds,
    compileCache:
      compareVersions(settings.n8n.version, COMPILE_CACHE_SINCE) >= 0 ? expressions.compileCache : undefined,
  };
}

/** The variables of n8n's ExpressionEngineConfig (@n8n/config) for one process. */
export function expressionEngineEnv(engine: ExpressionEngine): [string, string][] {
  const env: [string, string][] = [["N8N_EXPRESSION_ENGINE", engine.engine]];
  if (engine.engine === "vm") {
    env.push(
      ["N8N_EXPRESSION_ENGINE_POOL_SIZE", String(engine.poolSize)],
      ["N8N_EXPRESSION_ENGINE_TIMEOUT", String(engine.timeoutMs)],
      ["N8N_EXPRESSION_ENGINE_MEMORY_LIMIT", String(engine.memoryLimitMb)],
    );
    if (engine.idleSeconds !== undefined)
      env.push(["N8N_EXPRESSION_ENGINE_IDLE_TIMEOUT", String(engine.idleSeconds)]);
    if (engine.compileCache !== undefined)
      env.push(["N8N_EXPRESSION_ENGINE_COMPILE_CACHE", String(engine.compileCache)]);
  }
  return env;
}
