import { editStatement, finishEdits, setCondition, startEdits } from '../policy/edit';
import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { statementAt } from '../policy/query';
import { hasClaimPin, irsaFacts, type IrsaFacts, irsaFindings, type ProviderKeys, SCAN_AUD_MISSING, where } from './irsa/statements';
import { perStatement } from './support/per-statement';
import type { Rule, RuleFinding } from './types';

/**
 * The audience EKS projects into service-account tokens for IRSA, in every partition: the EKS
 * pod identity webhook and eksctl use `sts.amazonaws.com` in the China regions too (eksctl#1912).
 */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';

/** Constant parts of the message, each one string (V8 builds each + or `${}` at run time). */
const WHY = `: a token for any audience registered on the provider (its client ID list) is accepted, not only ${IRSA_AUDIENCE}. `;
const SPLIT = `The statement trusts several Federated principals and conditions apply to all of them: split it into one statement per provider, then add StringEquals PROVIDER:aud = ${IRSA_AUDIENCE} to each.`;

/** The finding for one IRSA statement with an unpinned :aud (SCAN_AUD_MISSING), memoised per statement. */
const audMissingFinding = perStatement((s: NormalizedStatement): RuleFinding => {
  const facts = irsaFacts(s) as IrsaFacts;
  // Asked only when SCAN_AUD_MISSING is set: a single provider is the one missing.
  const missing: readonly ProviderKeys[] = facts.keys.length === 1 ? facts.keys : facts.keys.filter((k) => !hasClaimPin(s, k.audLower));
  // Conditions are ANDed: adding PROVIDER:aud to a statement that trusts several providers
  // would fail every token of the others. Only a single-provider statement gets the fix.
  const fixable = (s.principal?.federated.length ?? 0) === 1;
  let names = '';
  let keys = '';
  for (let i = 0; i < missing.length; i++) {
    const sep = i === 0 ? '' : ', ';
    names += sep + missing[i].name;
    keys += sep + missing[i].aud;
  }
  return {
    statement: s.index,
    message:
      `${where(s)} trusts the EKS OIDC provider ${names} without a StringEquals condition on ${keys}${WHY}` +
      (fixable ? `The automatic fix adds "StringEquals": {"${missing[0].aud}": "${IRSA_AUDIENCE}"}.` : SPLIT),
    fixable,
  };
});


export const rule: Rule = {
  id: 'irsa-aud-missing',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'An IRSA statement has no PROVIDER:aud condition, so tokens for any audience registered on the OIDC provider are accepted, not only sts.amazonaws.com.',
  appliesTo: (flags) => (flags & StatementFlags.FEDERATED) !== 0,
  check(policy) {
    if (!policy) return [];
    return irsaFindings(policy, SCAN_AUD_MISSING, audMissingFinding);
  },
  fix(doc, policy, findings) {
    const out = startEdits(doc);
    for (const f of findings) {
      const s = f.statement === null ? undefined : statementAt(policy, f.statement);
      const facts = s === undefined ? null : irsaFacts(s);
      if (s === undefined || facts === null || facts.providers.length !== 1 || (s.principal?.federated.length ?? 0) !== 1) continue;
      const keys = facts.keys[0];
      if (hasClaimPin(s, keys.audLower)) continue;
      editStatement(out, s.index, (raw) => setCondition(raw, 'StringEquals', keys.aud, [IRSA_AUDIENCE]));
    }
    return finishEdits(out);
  },
};
