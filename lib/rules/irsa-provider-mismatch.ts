import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { claimKind, irsaFacts, type IrsaFacts, irsaFindings, NOT_A_CLAIM, ownsClaim, SCAN_FOREIGN, where } from './irsa/statements';
import { perStatement } from './support/per-statement';
import type { Rule, RuleFinding } from './types';

/** The finding for an IRSA statement with a foreign claim key (SCAN_FOREIGN), memoised per statement. */
const mismatchFinding = perStatement((s: NormalizedStatement): RuleFinding => {
  const facts = irsaFacts(s) as IrsaFacts;
  // Any provider the statement trusts may own the key: with several, each key names one of them.
  // The lists are joined as they are built (join is a builtin call that copies).
  const foreign: string[] = [];
  let quoted = '';
  for (const c of s.conditions) {
    if (claimKind(c.key) === NOT_A_CLAIM || ownsClaim(c.key, facts.prefixes) || foreign.includes(c.rawKey)) continue;
    quoted += `${foreign.length === 0 ? '' : ', '}"${c.rawKey}"`;
    foreign.push(c.rawKey);
  }
  const keys = facts.keys;
  let trusted = keys[0].name;
  for (let i = 1; i < keys.length; i++) trusted += `, ${keys[i].name}`;
  return {
    statement: s.index,
    message:
      `${where(s)} trusts the OIDC provider ${trusted} but its condition key${foreign.length > 1 ? 's' : ''} ${quoted} ` +
      `name${foreign.length > 1 ? '' : 's'} another provider, most likely copied from another cluster's role. ` +
      "This provider's tokens never carry another provider's claims: under StringEquals or StringLike the condition fails every token, under IfExists or a negated operator it restricts nothing. " +
      `Rename the key${foreign.length > 1 ? 's' : ''} to ${keys.length === 1 ? `${keys[0].sub} / ${keys[0].aud}` : 'the matching PROVIDER:sub / PROVIDER:aud'} after checking which cluster the role is for.`,
    // Which cluster the role is for only its owner knows.
    fixable: false,
  };
});

export const rule: Rule = {
  id: 'irsa-provider-mismatch',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    "An IRSA statement's :sub or :aud condition key names another OIDC provider than the statement's Federated principal (copied from another cluster), so it does not restrict this provider's tokens.",
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    return irsaFindings(policy, SCAN_FOREIGN, mismatchFinding);
  },
};
