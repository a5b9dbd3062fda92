import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "public-principal",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
