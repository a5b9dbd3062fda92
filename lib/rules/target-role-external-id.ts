import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "target-role-external-id",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
