import { StatementFlags } from '../policy/normalize';
import { hasWildcard } from '../policy/query';
import { claimPins, irsaStatements, where } from './irsa/statements';
import type { Rule, RuleFinding } from './types';

/** Kubernetes names: a namespace is a DNS-1123 label, a service account a DNS-1123 subdomain. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SA_PREFIX = 'system:serviceaccount:';

/** Is `value` the subject of exactly one service account: `system:serviceaccount:NAMESPACE:NAME`? */
export function isServiceAccountSubject(value: string): boolean {
  if (!value.startsWith(SA_PREFIX)) return false;
  const parts = value.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return false;
  const [namespace, name] = parts;
  return namespace.length <= 63 && DNS_LABEL.test(namespace) && name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

export const rule: Rule = {
  id: 'irsa-sub-wildcard',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'The PROVIDER:sub condition of an IRSA statement matches more than one service account (* or ? under StringLike) or a value that is not system:serviceaccount:NAMESPACE:NAME.',
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const { statement: s, providers } of irsaStatements(policy)) {
      const problems: string[] = [];
      const keys = new Set<string>();
      let wildcard = false;
      // Only the conditions that pin :sub are judged; a statement without one is irsa-sub-missing's.
      for (const p of providers) {
        for (const c of claimPins(s, p, 'sub')) {
          for (const v of c.values) {
            if (c.op === 'stringlike' && hasWildcard(v)) {
              wildcard = true;
              keys.add(c.rawKey);
              problems.push(`${c.operator} "${v}" matches more than one service account`);
            } else if (!isServiceAccountSubject(c.op === 'stringequalsignorecase' ? v.toLowerCase() : v)) {
              keys.add(c.rawKey);
              problems.push(`${c.operator} "${v}" is not of the form system:serviceaccount:NAMESPACE:NAME`);
            }
          }
        }
      }
      if (problems.length === 0) continue;
      out.push({
        statement: s.index,
        message:
          `${where(s)} pins ${[...keys].join(', ')} loosely: ${problems.join('; ')}. ` +
          (wildcard
            ? 'Every service account whose subject matches can assume the role, including ones created later by anyone allowed to create service accounts there. '
            : 'A service account token carries exactly system:serviceaccount:NAMESPACE:NAME, so such a value either matches none or was meant as a pattern. ') +
          'Use StringEquals with the exact subject system:serviceaccount:NAMESPACE:NAME of each service account that needs the role.',
        // Which service accounts are meant only the role's owner knows.
        fixable: false,
      });
    }
    return out;
  },
};
