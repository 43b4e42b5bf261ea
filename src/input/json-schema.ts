import { z } from "zod";
import { Platform } from "./schema.js";

/**
 * The JSON Schema of platform.yaml, generated from the zod schema so that the two never
 * disagree. Committed at schema/platform.schema.json for editors (yaml-language-server).
 */
export function platformJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Platform, { target: "draft-7", io: "input", unrepresentable: "any" });
  return {
    ...schema,
    $id: "https://tenantctl.io/schema/platform.schema.json",
    title: "tenantctl platform (tenantctl/v1alpha1)",
  };
}

export function platformJsonSchemaText(): string {
  return `${JSON.stringify(platformJsonSchema(), null, 2)}\n`;
}
