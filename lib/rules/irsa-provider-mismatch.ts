import { StatementFlags } from '../policy/normalize';
import { irsaStatements, parseClaimKey, where } from './irsa/statements';
import type { Rule, RuleFinding } from './types';

export const rule: Rule = {
  id: 'irsa-provider-mismatch',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    "An IRSA statement's :sub or :aud condition key names another OIDC provider than the statement's Federated principal (copied from another cluster), so it does not restrict this provider's tokens.",
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const { statement: s, providers, prefixes } of irsaStatements(policy)) {
      // Any provider the statement trusts may own the key: with several, each key names one of them.
      const foreign = [...new Set(s.conditions.filter((c) => {
        const k = parseClaimKey(c.key);
        return k !== null && !prefixes.has(k.prefix);
      }).map((c) => c.rawKey))];
      if (foreign.length === 0) continue;
      const trusted = providers.map((p) => p.prefix);
      out.push({
        statement: s.index,
        message:
          `${where(s)} trusts the OIDC provider ${trusted.join(', ')} but its condition key${foreign.length > 1 ? 's' : ''} ${foreign.map((k) => `"${k}"`).join(', ')} ` +
          `name${foreign.length > 1 ? '' : 's'} another provider, most likely copied from another cluster's role. ` +
          "This provider's tokens never carry another provider's claims: under StringEquals or StringLike the condition fails every token, under IfExists or a negated operator it restricts nothing. " +
          `Rename the key${foreign.length > 1 ? 's' : ''} to ${trusted.length === 1 ? `${trusted[0]}:sub / ${trusted[0]}:aud` : 'the matching PROVIDER:sub / PROVIDER:aud'} after checking which cluster the role is for.`,
        // Which cluster the role is for only its owner knows.
        fixable: false,
      });
    }
    return out;
  },
};
