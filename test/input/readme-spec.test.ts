/** The spec the README shows under "The platform spec" is one tenantctl accepts: the docs cannot drift from the schema unseen. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateSpecText } from "../../src/model/load-platform.js";

describe("the README's platform spec", () => {
  it("validates without errors", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## The platform spec"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml, "a yaml block under ## The platform spec").toBeDefined();
    const result = validateSpecText(yaml ?? "", "README.md");
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.spec?.tenants.map((t) => t.name)).toEqual(["globex"]);
  });
});
