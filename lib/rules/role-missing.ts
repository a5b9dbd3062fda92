import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "role-missing",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
