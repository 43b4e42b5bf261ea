type Obj = Record<string, unknown>;

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

/** The kinds that carry a pod template, and Pod itself. */
export const WORKLOAD_KINDS: readonly string[] = ["Pod", ...Object.keys(TEMPLATE_PATHS)];

/** The pod template of a workload (`metadata` + `spec`), or the pod itself. */
export function podTemplateOf(object: { kind: string; [field: string]: unknown }): Obj | undefined {
  if (object.kind === "Pod") return object as Obj;
  const path = TEMPLATE_PATHS[object.kind];
  if (path === undefined) return undefined;
  let at: unknown = object;
  for (const key of path) at = (at as Obj | undefined)?.[key];
  return typeof at === "object" && at !== null ? (at as Obj) : undefined;
}

/** The pod spec inside a workload object (Deployment, StatefulSet, Job, CronJob, Pod…). */
export function podSpecOf(object: { kind: string; [field: string]: unknown }): Obj | undefined {
  const template = podTemplateOf(object);
  if (template === undefined) return undefined;
  const spec = template.spec;
  return typeof spec === "object" && spec !== null ? (spec as Obj) : {};
}
