import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "not-principal",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
