/**
 * Rules of where each tenant's alerts go. tenantctl never writes a receiver's credential: with
 * External Secrets they come from Secrets Manager, with generated secrets the user makes them.
 */
import type { Located } from "../input/issues.js";
import type { Platform } from "../input/schema.js";
import { alertReceiverSecret } from "./secrets.js";
import { tenantNamespace } from "./names.js";
import type { EffectiveSettings } from "./defaults.js";
import { problem } from "./problem.js";
import { addonEnabled } from "./resolve.js";
import { sourceOf } from "./settings.js";

export function checkAlertReceivers(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  const receivers = s.alerts.receivers;
  const seen = new Map<string, number>();
  const at = (j: number, ...rest: string[]) => sourceOf(spec, i, ["alerts", "receivers", String(j), ...rest]);
  receivers.forEach((receiver, j) => {
    const first = seen.get(receiver.name);
    if (first !== undefined)
      out.push(
        problem(
          "spec/duplicate-alert-receiver",
          at(j, "name"),
          `tenants[${i}].alerts.receivers[${j}].name: "${receiver.name}" is already the name of receivers[${first}]`,
          "give each receiver its own name (it names the receiver's Secret, alerts-<name>)",
        ),
      );
    seen.set(receiver.name, j);
    if (spec.secrets.provider === "generated") {
      const tenant = spec.tenants[i]?.name ?? "";
      out.push(
        problem(
          "spec/alert-receiver-credentials",
          at(j),
          `tenants[${i}].alerts.receivers[${j}]: with secrets.provider generated, tenantctl does not make the receiver's credential; Alertmanager refuses the tenant's routing until the Secret ${alertReceiverSecret(receiver.name)} exists`,
          `kubectl -n ${tenantNamespace(tenant)} create secret generic ${alertReceiverSecret(receiver.name)} --from-literal=${receiver.type === "email" ? "password" : "url"}=…`,
          "warning",
        ),
      );
    }
  });
  if (receivers.length > 0 && !addonEnabled(spec, "kubePrometheusStack", false))
    out.push(
      problem(
        "spec/alert-receivers-without-alertmanager",
        at(0),
        `tenants[${i}].alerts.receivers: the kubePrometheusStack add-on is off, so no Alertmanager sends the tenant's alerts`,
        "turn the kubePrometheusStack add-on on, or remove the receivers",
        "warning",
      ),
    );
}
