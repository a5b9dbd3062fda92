import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "association-role-account",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
