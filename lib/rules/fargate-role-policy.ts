import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "fargate-role-policy",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
