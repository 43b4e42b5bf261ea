// Lint rules: typescript-eslint strict. Formatting is Biome's job (see biome.json).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "rendered/**", "coverage/**", "test/golden/**", ".tenantctl/**"] },
  ...tseslint.configs.strict,
  {
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "No default exports (STYLE.md)." },
        { selector: "TSEnumDeclaration", message: "No enums: use string-literal unions or `as const` objects." },
      ],
    },
  },
  {
    // Only the CLI may touch process and console (ARCHITECTURE.md).
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/runtime/**"],
    rules: {
      "no-console": "error",
      "no-restricted-globals": ["error", { name: "process", message: "Only src/cli touches process." }],
    },
  },
  { files: ["eslint.config.js", "vitest.config.ts"], rules: { "no-restricted-syntax": "off" } },
);
