import type { Rule } from './types';

/**
 * Reported by the parser (lib/policy/normalize.ts), not by a check: a document IAM would reject
 * cannot be evaluated by any other rule. Registered so its id, severity and summary live with the
 * other rules.
 */
export const rule: Rule = {
  id: 'policy-invalid',
  severity: 'critical',
  scope: 'trust-policy',
  summary:
    'The document is not a trust policy IAM would accept (not JSON, no Statement, a statement without Effect, principal or action, or with Resource); nothing else can be checked until it is.',
  check: () => [],
};
