import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "irsa-sub-wildcard",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
