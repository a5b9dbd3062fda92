import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "association-session-tags",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
