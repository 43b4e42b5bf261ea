// The inputs of the hardening issue that used to cost too much, each timed once in this
// process (figures, not asserts): before the fixes they took 37 s, 49 s (or crashed), 16.8 s
// and overflowed the stack.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hasUrlCredentials } from "../src/lib/url-credentials.js";
import { emitYaml } from "../src/manifest/yaml-emitter.js";
import { validateSpecText } from "../src/model/load-platform.js";

const example = readFileSync(fileURLToPath(new URL("../examples/platform.yaml", import.meta.url)), "utf8");
const which = process.argv[2] ?? "errors";
const time = <T>(f: () => T) => {
  const t = performance.now();
  const result = f();
  return { ms: (performance.now() - t).toFixed(0), result };
};

if (which === "errors") {
  const text = `apiVersion: tenantctl/v1alpha1\nkind: Platform\n${Array.from({ length: 16_000 }, (_, i) => `k${i}: 1`).join("\n")}`;
  const { ms, result } = time(() => validateSpecText(text, "errors.yaml"));
  console.log(
    JSON.stringify({
      input: `16,000 unknown keys (${(text.length / 1024).toFixed(0)} KB)`,
      ms: ms,
      outcome: `${result.diagnostics.length} diagnostics`,
    }),
  );
} else if (which === "alias-bomb") {
  let text = `${example}\nx0: &a0 [${Array(10).fill('"lol"').join(",")}]\n`;
  for (let i = 1; i < 9; i++)
    text += `x${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(",")}]\n`;
  const { ms, result } = time(() => validateSpecText(text, "bomb.yaml"));
  console.log(
    JSON.stringify({
      input: "alias bomb (10^9 nodes expanded)",
      ms,
      outcome: result.diagnostics[0]?.code ?? "",
    }),
  );
} else if (which === "url-80k") {
  const text = `a://${"a".repeat(80_000)}`;
  const { ms, result } = time(() => hasUrlCredentials(text));
  console.log(JSON.stringify({ input: "80 KB URL without @ (was 16.8 s)", ms, outcome: String(result) }));
} else if (which === "url-100m") {
  const text = `${"x://y".repeat(20_000_000)}`;
  const { ms, result } = time(() => hasUrlCredentials(text));
  console.log(JSON.stringify({ input: "100 MB of x://y", ms, outcome: String(result) }));
} else {
  const { ms, result } = time(() => emitYaml({ value: "a".repeat(10_000_000) }));
  console.log(
    JSON.stringify({ input: "10 MB string in the YAML emitter", ms, outcome: `${result.length} bytes` }),
  );
}
