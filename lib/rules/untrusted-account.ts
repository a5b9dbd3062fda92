import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "untrusted-account",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
