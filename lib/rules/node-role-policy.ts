import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "node-role-policy",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
