import { setCondition, updateStatement } from '../policy/edit';
import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { claimKey, claimPins, irsaProviders, irsaStatements, where } from './irsa/statements';
import { perStatement } from './support/per-statement';
import type { Rule, RuleFinding } from './types';

/**
 * The audience EKS projects into service-account tokens for IRSA, in every partition: the EKS
 * pod identity webhook and eksctl use `sts.amazonaws.com` in the China regions too (eksctl#1912).
 */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';

/** The finding for one IRSA statement (its providers come from the statement), memoised per statement. */
const irsaFinding = perStatement((s: NormalizedStatement): RuleFinding | null => {
  const providers = irsaProviders(s);
  const missing = providers.filter((p) => claimPins(s, p, 'aud').length === 0);
  if (missing.length === 0) return null;
  // Conditions are ANDed: adding PROVIDER:aud to a statement that trusts several providers
  // would fail every token of the others. Only a single-provider statement gets the fix.
  const fixable = (s.principal?.federated.length ?? 0) === 1;
  const keys = missing.map((p) => claimKey(p, 'aud'));
  return {
    statement: s.index,
    message:
      `${where(s)} trusts the EKS OIDC provider ${missing.map((p) => p.prefix).join(', ')} without a StringEquals condition on ${keys.join(', ')}: ` +
      `a token for any audience registered on the provider (its client ID list) is accepted, not only ${IRSA_AUDIENCE}. ` +
      (fixable
        ? `The automatic fix adds "StringEquals": {"${keys[0]}": "${IRSA_AUDIENCE}"}.`
        : `The statement trusts several Federated principals and conditions apply to all of them: split it into one statement per provider, then add StringEquals PROVIDER:aud = ${IRSA_AUDIENCE} to each.`),
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
  check(policy, ctx) {
    if (!policy) return [];
    const out: RuleFinding[] = [];
    for (const irsa of irsaStatements(policy)) {
      const f = irsaFinding(irsa.statement, ctx);
      if (f !== null) out.push(f);
    }
    return out;
  },
  fix(doc, policy, findings) {
    let next = doc;
    const byIndex = new Map(irsaStatements(policy).map((x) => [x.statement.index, x]));
    for (const f of findings) {
      const irsa = f.statement === null ? undefined : byIndex.get(f.statement);
      if (!irsa || irsa.providers.length !== 1 || (irsa.statement.principal?.federated.length ?? 0) !== 1) continue;
      const provider = irsa.providers[0];
      if (claimPins(irsa.statement, provider, 'aud').length > 0) continue;
      next = updateStatement(next, irsa.statement.index, (s) => setCondition(s, 'StringEquals', claimKey(provider, 'aud'), [IRSA_AUDIENCE]));
    }
    return next;
  },
};
