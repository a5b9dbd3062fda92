import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { isPinning } from '../policy/query';
import { claimKind, hasClaimPin, irsaFacts, type IrsaFacts, irsaFindings, ownsClaim, type ProviderKeys, SCAN_FOREIGN, SCAN_SUB_MISSING, scanOf, SUB_CLAIM, where, whyNotPinning } from './irsa/statements';
import { perStatement } from './support/per-statement';
import type { Rule, RuleFinding } from './types';

/**
 * Constant parts of the message, each one string (V8 builds each + or `${}` at run time): what
 * follows the notes, with and without a blocking foreign :sub key, and the start of the advice.
 */
const BLOCKED =
  ". As written no token passes (this provider's tokens never carry the other provider's claim), and removing that condition would let every service account in the cluster assume the role: rename its key instead. ";
const OPEN = '. Every service account in the cluster can assume this role. ';
const PIN = 'Pin the service account: "StringEquals": {';

/** The finding for an IRSA statement with an EKS provider whose :sub is not pinned, memoised per statement. */
const subMissingFinding = perStatement((s: NormalizedStatement): RuleFinding => {
  const facts = irsaFacts(s) as IrsaFacts;
  // Asked only when SCAN_SUB_MISSING is set: a single provider is the one missing.
  const missing: readonly ProviderKeys[] = facts.keys.length === 1 ? facts.keys : facts.keys.filter((k) => !hasClaimPin(s, k.subLower));
  // The notes, joined by '; ' (none is empty).
  let notes = '';
  for (const k of missing) {
    for (const c of s.conditions) {
      if (c.key === k.subLower) notes += `${notes === '' ? '' : '; '}its ${c.operator} condition on ${c.rawKey} does not pin it: ${whyNotPinning(c)}`;
    }
  }
  // A :sub key naming another provider (irsa-provider-mismatch) is no pin for this one: its
  // tokens never carry that claim. Under a pinning operator it blocks every caller today, but
  // deleting the "stale" key, the obvious clean-up, would open the role to the whole cluster.
  // So both findings are reported, and this message says which way to go.
  let blocked = false;
  // Such a key is foreign to every provider of the statement (SCAN_FOREIGN): without one there is
  // nothing to look for.
  if ((scanOf(s, facts) & SCAN_FOREIGN) !== 0) {
    for (const c of s.conditions) {
      if (claimKind(c.key) !== SUB_CLAIM || ownsClaim(c.key, facts.prefixes)) continue;
      notes += `${notes === '' ? '' : '; '}its ${c.operator} condition on ${c.rawKey} names another OIDC provider, as irsa-provider-mismatch reports`;
      if (!blocked && isPinning(c)) blocked = true;
    }
  }
  const consequence = blocked ? BLOCKED : OPEN;
  let prefixes = '';
  let keys = '';
  let pins = PIN; // continued with the keys' pins and closed by the message
  for (let i = 0; i < missing.length; i++) {
    const k = missing[i];
    const sep = i === 0 ? '' : ', ';
    prefixes += sep + k.name;
    keys += sep + k.sub;
    pins += `${sep}"${k.sub}": "system:serviceaccount:NAMESPACE:NAME"`;
  }
  return {
    statement: s.index,
    message:
      `${where(s)} trusts the EKS OIDC provider ${prefixes} for sts:AssumeRoleWithWebIdentity without a StringEquals or StringLike condition on ${keys}` +
      `${notes !== '' ? ` (${notes})` : ''}${consequence}${pins}}.`,
    // Which service account should have the role only its owner knows.
    fixable: false,
  };
});

export const rule: Rule = {
  id: 'irsa-sub-missing',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'A statement trusts an EKS OIDC provider for sts:AssumeRoleWithWebIdentity without a StringEquals/StringLike condition on PROVIDER:sub, so every service account in the cluster can assume the role.',
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    return irsaFindings(policy, SCAN_SUB_MISSING, subMissingFinding);
  },
};
