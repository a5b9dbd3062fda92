import { StatementFlags } from '../policy/normalize';
import { addActions, updateStatement } from '../policy/edit';
import { allowsAction, isAllow, POD_IDENTITY_SERVICE, trustsService } from '../policy/query';
import type { Rule } from './types';

export const rule: Rule = {
  id: 'pod-identity-tag-session',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'The role trusts pods.eks.amazonaws.com for sts:AssumeRole but not sts:TagSession, so EKS Pod Identity can never hand its credentials to a pod.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_POD_IDENTITY) !== 0,
  check(policy) {
    if (!policy) return [];
    return policy.statements
      .filter((s) => isAllow(s) && trustsService(s, POD_IDENTITY_SERVICE) && allowsAction(s, 'sts:AssumeRole') && !allowsAction(s, 'sts:TagSession'))
      .map((s) => ({
        statement: s.index,
        message: `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''} lets pods.eks.amazonaws.com call sts:AssumeRole without sts:TagSession: EKS Pod Identity cannot issue credentials for this role. Add sts:TagSession to the statement's actions.`,
        // Only an Action list can be extended; a NotAction statement is the wildcard-action rule's.
        fixable: s.actions !== null,
      }));
  },
  fix(doc, _policy, findings) {
    let next = doc;
    for (const f of findings) if (f.statement !== null) next = updateStatement(next, f.statement, (s) => addActions(s, ['sts:TagSession']));
    return next;
  },
};
