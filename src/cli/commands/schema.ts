import type { Command } from "commander";
import { platformJsonSchemaText } from "../../input/json-schema.js";
import type { Io } from "../io.js";

export function schemaCommand(program: Command, io: Io): void {
  program
    .command("schema")
    .description("Print the JSON Schema of platform.yaml (for editors and CI).")
    .action(() => {
      io.out(platformJsonSchemaText());
    });
}
