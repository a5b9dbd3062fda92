import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "pod-identity-source-account",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
