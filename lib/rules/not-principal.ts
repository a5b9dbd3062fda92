import { StatementFlags, type NormalizedPrincipal, type NormalizedStatement } from '../policy/normalize';
import { isAllow } from '../policy/query';
import type { Rule, RuleFinding } from './types';

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

function listed(p: NormalizedPrincipal): string {
  if (p.wildcard && p.aws.length <= 1 && !p.service.length && !p.federated.length && !p.canonicalUser.length) return '"*"';
  return [...p.aws, ...p.service, ...p.federated, ...p.canonicalUser].join(', ');
}

export const rule: Rule = {
  id: 'not-principal',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'An Allow statement uses NotPrincipal, so it trusts every principal in every AWS account except the few it lists.',
  appliesTo: (flags) => (flags & StatementFlags.NOT_PRINCIPAL) !== 0,
  check(policy) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const s of policy.statements) {
      if (!isAllow(s) || s.notPrincipal === null) continue;
      out.push({
        statement: s.index,
        message:
          `${where(s)} allows with NotPrincipal (${listed(s.notPrincipal)}): it trusts every principal of every AWS account except those listed. ` +
          'Replace NotPrincipal with a Principal that names exactly who may assume the role.',
        // Only a person knows whom the statement was meant to trust.
        fixable: false,
      });
    }
    return out;
  },
};
