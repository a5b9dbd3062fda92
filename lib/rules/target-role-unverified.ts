import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "target-role-unverified",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
