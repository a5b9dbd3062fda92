import type { Rule } from "./types";

// TODO: implement (stub)
export const rule: Rule = {
  id: "fargate-source-arn",
  severity: "info",
  scope: "trust-policy",
  summary: "TODO",
  check: () => [],
};
