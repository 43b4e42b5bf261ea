/**
 * The Kubernetes Pod Security Standard `restricted` (which includes `baseline`), checked on
 * a pod spec as the PodSecurity admission plugin checks it. Returns one sentence per
 * violation, naming the container or field; an empty list means the pod is admitted.
 */
type Obj = Record<string, unknown>;

const RESTRICTED_VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

const obj = (value: unknown): Obj => (typeof value === "object" && value !== null ? (value as Obj) : {});
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(obj) : []);

export function restrictedViolations(podSpec: Obj): string[] {
  const out: string[] = [];
  const pod = obj(podSpec.securityContext);
  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (podSpec[field] === true) out.push(`${field} is true`);
  }
  if (obj(pod.windowsOptions).hostProcess === true)
    out.push("pod securityContext.windowsOptions.hostProcess is true");
  for (const volume of list(podSpec.volumes)) {
    const type = Object.keys(volume).find((k) => k !== "name") ?? "unknown";
    if (!RESTRICTED_VOLUME_TYPES.has(type)) out.push(`volume ${String(volume.name)} is of type ${type}`);
  }
  for (const sysctl of list(pod.sysctls)) {
    if (!SAFE_SYSCTLS.has(String(sysctl.name)))
      out.push(`sysctl ${String(sysctl.name)} is not a safe sysctl`);
  }
  if (pod.runAsUser === 0) out.push("pod securityContext.runAsUser is 0");
  checkSeLinux(pod.seLinuxOptions, "pod", out);
  checkAppArmor(pod.appArmorProfile, "pod", out);
  const podSeccomp = obj(pod.seccompProfile).type;
  if (podSeccomp === "Unconfined") out.push("pod seccompProfile is Unconfined");

  const containers = [
    ...list(podSpec.initContainers),
    ...list(podSpec.containers),
    ...list(podSpec.ephemeralContainers),
  ];
  for (const c of containers) {
    const name = `container ${String(c.name)}`;
    const sc = obj(c.securityContext);
    if (sc.privileged === true) out.push(`${name} is privileged`);
    if (sc.allowPrivilegeEscalation !== false)
      out.push(`${name} does not set allowPrivilegeEscalation: false`);
    if (sc.runAsNonRoot !== true && pod.runAsNonRoot !== true)
      out.push(`${name} does not run as non-root (runAsNonRoot)`);
    if (sc.runAsNonRoot === false) out.push(`${name} sets runAsNonRoot: false`);
    if (sc.runAsUser === 0) out.push(`${name} runs as uid 0`);
    const seccomp = obj(sc.seccompProfile).type ?? podSeccomp;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
      out.push(`${name} has no RuntimeDefault or Localhost seccomp profile`);
    const caps = obj(sc.capabilities);
    const drop = Array.isArray(caps.drop) ? caps.drop.map(String) : [];
    if (!drop.includes("ALL")) out.push(`${name} does not drop ALL capabilities`);
    for (const cap of Array.isArray(caps.add) ? caps.add.map(String) : []) {
      if (cap !== "NET_BIND_SERVICE") out.push(`${name} adds capability ${cap}`);
    }
    if (sc.procMount !== undefined && sc.procMount !== "Default")
      out.push(`${name} sets procMount ${String(sc.procMount)}`);
    checkSeLinux(sc.seLinuxOptions, name, out);
    checkAppArmor(sc.appArmorProfile, name, out);
    for (const port of list(c.ports)) {
      if (port.hostPort !== undefined && port.hostPort !== 0)
        out.push(`${name} uses hostPort ${String(port.hostPort)}`);
    }
  }
  return out;
}

function checkSeLinux(value: unknown, where: string, out: string[]): void {
  const se = obj(value);
  if (
    se.type !== undefined &&
    !["container_t", "container_init_t", "container_kvm_t", "container_engine_t"].includes(String(se.type))
  ) {
    out.push(`${where} sets SELinux type ${String(se.type)}`);
  }
  if (se.user !== undefined || se.role !== undefined) out.push(`${where} sets a SELinux user or role`);
}

function checkAppArmor(value: unknown, where: string, out: string[]): void {
  if (obj(value).type === "Unconfined") out.push(`${where} runs AppArmor Unconfined`);
}
