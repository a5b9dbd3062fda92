import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "irsa-aud-missing",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
