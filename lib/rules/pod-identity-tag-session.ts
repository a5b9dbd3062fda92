import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { addActions, editStatement, finishEdits, startEdits } from '../policy/edit';
import { allowsAction } from '../policy/query';
import { perStatement } from './support/per-statement';
import { addFinding, findingsOf } from './support/findings';
import type { JsonStatement } from '../policy/types';
import type { Rule, RuleFinding } from './types';

/** Allow statements trusting pods.eks (the flags say what isAllow and trustsService would). */
const ALLOW_POD_IDENTITY = StatementFlags.ALLOW | StatementFlags.SERVICE_POD_IDENTITY;

/** What the fix adds (addActions only reads it). */
const TAG_SESSION: string[] = ['sts:TagSession'];

/** The fix's edit of one statement, made once (an arrow in the loop would be a new function per finding). */
const addTagSession = (s: JsonStatement): JsonStatement => addActions(s, TAG_SESSION);

/** The finding about an Allow statement trusting pods.eks, or null when it is fine. */
function checkStatement(s: NormalizedStatement): RuleFinding | null {
  if (!allowsAction(s, 'sts:AssumeRole') || allowsAction(s, 'sts:TagSession')) return null;
  return {
    statement: s.index,
    message: `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''} lets pods.eks.amazonaws.com call sts:AssumeRole without sts:TagSession: EKS Pod Identity cannot issue credentials for this role. Add sts:TagSession to the statement's actions.`,
    // Only an Action list can be extended; a NotAction statement is the wildcard-action rule's.
    fixable: s.actions !== null,
  };
}

const checkStatementOnce = perStatement(checkStatement);

export const rule: Rule = {
  id: 'pod-identity-tag-session',
  severity: 'high',
  scope: 'trust-policy',
  summary:
    'The role trusts pods.eks.amazonaws.com for sts:AssumeRole but not sts:TagSession, so EKS Pod Identity can never hand its credentials to a pod.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_POD_IDENTITY) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    let out: RuleFinding[] | null = null;
    const statements = policy.statements;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      if ((s.flags & ALLOW_POD_IDENTITY) !== ALLOW_POD_IDENTITY) continue;
      // The answer depends on the statement only; it is kept per context (perStatement), when there is one.
      const f = ctx === undefined ? checkStatement(s) : checkStatementOnce(s, ctx);
      if (f !== null) out = addFinding(out, f);
    }
    return findingsOf(out);
  },
  fix(doc, _policy, findings) {
    const out = startEdits(doc);
    for (const f of findings) editStatement(out, f.statement, addTagSession);
    return finishEdits(out);
  },
};
