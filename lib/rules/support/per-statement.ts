/**
 * Memoise a rule's answer for one statement. The answer may depend on the statement (its content
 * and index) and the evaluation context only: statements are never changed after parsing, and
 * the fix loop re-uses the statements a fix left alone (same object, same index; see
 * parseFixedPolicy), so its re-checks only redo the statements a fix replaced. Answers live on
 * the statement (`answers`, two slots per memoised function: context, value).
 */
import type { NormalizedStatement, TrustPolicy } from '../../policy/normalize';
import type { RuleContext, RuleFinding } from '../types';
import { addFinding, findingsOf } from './findings';

let slots = 0;

/** Stands for "no context" in a slot, so an empty slot (undefined) never passes for an answer. */
const NO_CONTEXT = Object.freeze({});

export function perStatement<T>(compute: (s: NormalizedStatement, ctx: RuleContext) => T): (s: NormalizedStatement, ctx: RuleContext) => T {
  const slot = 2 * slots++;
  return (s, ctx) => {
    const key = ctx ?? NO_CONTEXT;
    let answers = s.answers;
    if (answers !== undefined && answers[slot] === key) return answers[slot + 1] as T;
    const value = compute(s, ctx);
    // Read again: compute may have memoised a nested answer (fargate-source-arn's check asks
    // planFix), creating the array; a new one here would throw that answer away.
    answers = s.answers;
    if (answers === undefined) {
      // Room for every memoised function's slots (all are created as the rule modules load).
      answers = new Array(2 * slots);
      s.answers = answers;
    }
    answers[slot] = key;
    answers[slot + 1] = value;
    return value;
  };
}

/**
 * A per-statement rule's check: the finding (or null) `finding` gives for each statement whose
 * flags include all of `flags`, in statement order.
 */
export function statementFindings(
  policy: TrustPolicy,
  ctx: RuleContext,
  flags: number,
  finding: (s: NormalizedStatement, ctx: RuleContext) => RuleFinding | null,
): RuleFinding[] {
  let out: RuleFinding[] | null = null;
  const statements = policy.statements;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    if ((s.flags & flags) !== flags) continue;
    const f = finding(s, ctx);
    if (f !== null) out = addFinding(out, f);
  }
  return findingsOf(out);
}
