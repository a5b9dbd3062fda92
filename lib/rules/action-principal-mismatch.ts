import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "action-principal-mismatch",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
