import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { hasWildcard } from '../policy/query';
import { irsaFacts, type IrsaFacts, irsaFindings, isClaimPin, isServiceAccountSubject, SCAN_SUB_LOOSE, where } from './irsa/statements';
import { perStatement } from './support/per-statement';
import type { Rule, RuleFinding } from './types';

export { isServiceAccountSubject };

/** The finding for an IRSA statement with a loose :sub pin (SCAN_SUB_LOOSE), memoised per statement. */
const subWildcardFinding = perStatement((s: NormalizedStatement): RuleFinding => {
  const facts = irsaFacts(s) as IrsaFacts;
  // The problems joined by '; ' as they are found, and the keys with one (each once): most
  // statements have one such key, so it is joined (a builtin call that copies) only when not.
  let problems = '';
  const keys: string[] = [];
  let wildcard = false;
  // Only the conditions that pin :sub are judged; a statement without one is irsa-sub-missing's.
  for (const k of facts.keys) {
    for (const c of s.conditions) {
      if (c.key !== k.subLower || !isClaimPin(c)) continue;
      for (const v of c.values) {
        let problem: string;
        if (c.op === 'stringlike' && hasWildcard(v)) {
          wildcard = true;
          problem = ' matches more than one service account';
        } else if (!isServiceAccountSubject(c.op === 'stringequalsignorecase' ? v.toLowerCase() : v)) {
          problem = ' is not of the form system:serviceaccount:NAMESPACE:NAME';
        } else continue;
        if (!keys.includes(c.rawKey)) keys.push(c.rawKey);
        problems += `${problems === '' ? '' : '; '}${c.operator} "${v}"${problem}`;
      }
    }
  }
  return {
    statement: s.index,
    message:
      `${where(s)} pins ${keys.length === 1 ? keys[0] : keys.join(', ')} loosely: ${problems}. ` +
      (wildcard
        ? 'Every service account whose subject matches can assume the role, including ones created later by anyone allowed to create service accounts there. '
        : 'A service account token carries exactly system:serviceaccount:NAMESPACE:NAME, so such a value either matches none or was meant as a pattern. ') +
      'Use StringEquals with the exact subject system:serviceaccount:NAMESPACE:NAME of each service account that needs the role.',
    // Which service accounts are meant only the role's owner knows.
    fixable: false,
  };
});

export const rule: Rule = {
  id: 'irsa-sub-wildcard',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'The PROVIDER:sub condition of an IRSA statement matches more than one service account (* or ? under StringLike) or a value that is not system:serviceaccount:NAMESPACE:NAME.',
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    return irsaFindings(policy, SCAN_SUB_LOOSE, subWildcardFinding);
  },
};
