import { findingOf, type VerifyRule } from "../finding.js";

export const manifestUnreadable: VerifyRule = {
  id: "manifest-unreadable",
  severity: "error",
  title: "A file Argo CD would read that verify cannot judge",
  description:
    "Argo CD applies every *.yaml, *.yml, *.json and *.jsonnet file of the directory, dot files included, and unpacks lists. A file verify cannot read exactly as Argo CD does (jsonnet, invalid YAML, a dangling or looping link, a document that is not an object) could carry anything into the cluster, so it is an error, never skipped.",
  check(ctx) {
    return (ctx.input.unreadable ?? []).map((u) => {
      const at = u.line === undefined ? u.file : `${u.file}:${u.line}:${u.column ?? 1}`;
      return findingOf(this, {
        message: `${at}: ${u.message}`,
        objects: [{ kind: "File", name: u.file, file: u.file }],
        fix: `fix or remove ${u.file}: verify must read every file Argo CD would apply`,
      });
    });
  },
};
