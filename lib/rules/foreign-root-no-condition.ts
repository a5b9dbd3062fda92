import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "foreign-root-no-condition",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
