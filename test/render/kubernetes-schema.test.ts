import { describe, expect, it } from "vitest";
import { render } from "../../src/render/render.js";
import { validateSpecText } from "../../src/spec/load.js";
import { schemaErrors } from "../support/kubernetes-schema.js";
import { exampleSpecText } from "../support/spec-text.js";

describe("rendered objects against the Kubernetes 1.34 OpenAPI schemas", () => {
  it("are all valid for the example platform", async () => {
    const { spec } = validateSpecText(exampleSpecText(), "platform.yaml");
    if (!spec) throw new Error("example is invalid");
    const objects = render(spec);
    const errors = (await Promise.all(objects.map(({ object }) => schemaErrors(object)))).flat();
    expect(objects.length).toBeGreaterThan(20);
    expect(errors).toEqual([]);
  });

  it("fails when an object breaks its schema (the check can fail)", async () => {
    const errors = await schemaErrors({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "broken" },
      spec: { hard: "pods=3", scopes: "Terminating" },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ResourceQuota\/broken/);
  });
});
