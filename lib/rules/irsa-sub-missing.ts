import { StatementFlags } from '../policy/normalize';
import { isPinning } from '../policy/query';
import { claimConditions, claimKey, claimPins, irsaStatements, parseClaimKey, where, whyNotPinning } from './irsa/statements';
import type { Rule, RuleFinding } from './types';

export const rule: Rule = {
  id: 'irsa-sub-missing',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'A statement trusts an EKS OIDC provider for sts:AssumeRoleWithWebIdentity without a StringEquals/StringLike condition on PROVIDER:sub, so every service account in the cluster can assume the role.',
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const { statement: s, providers, prefixes } of irsaStatements(policy)) {
      const missing = providers.filter((p) => claimPins(s, p, 'sub').length === 0);
      if (missing.length === 0) continue;
      const notes: string[] = [];
      for (const p of missing) {
        for (const c of claimConditions(s, p, 'sub')) notes.push(`its ${c.operator} condition on ${c.rawKey} does not pin it: ${whyNotPinning(c)}`);
      }
      // A :sub key naming another provider (irsa-provider-mismatch) is no pin for this one: its
      // tokens never carry that claim. Under a pinning operator it blocks every caller today, but
      // deleting the "stale" key, the obvious clean-up, would open the role to the whole cluster.
      // So both findings are reported, and this message says which way to go.
      const foreign = s.conditions.filter((c) => {
        const k = parseClaimKey(c.key);
        return k !== null && k.claim === 'sub' && !prefixes.has(k.prefix);
      });
      for (const c of foreign) notes.push(`its ${c.operator} condition on ${c.rawKey} names another OIDC provider, as irsa-provider-mismatch reports`);
      const blocked = foreign.some(isPinning);
      const consequence = blocked
        ? "As written no token passes (this provider's tokens never carry the other provider's claim), and removing that condition would let every service account in the cluster assume the role: rename its key instead."
        : 'Every service account in the cluster can assume this role.';
      out.push({
        statement: s.index,
        message:
          `${where(s)} trusts the EKS OIDC provider ${missing.map((p) => p.prefix).join(', ')} for sts:AssumeRoleWithWebIdentity ` +
          `without a StringEquals or StringLike condition on ${missing.map((p) => claimKey(p, 'sub')).join(', ')}` +
          `${notes.length > 0 ? ` (${notes.join('; ')})` : ''}. ${consequence} ` +
          `Pin the service account: "StringEquals": {${missing.map((p) => `"${claimKey(p, 'sub')}": "system:serviceaccount:NAMESPACE:NAME"`).join(', ')}}.`,
        // Which service account should have the role only its owner knows.
        fixable: false,
      });
    }
    return out;
  },
};
