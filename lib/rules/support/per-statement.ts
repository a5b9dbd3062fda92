/**
 * Memoise a rule's answer for one statement. The answer may depend on the statement (its content
 * and index) and the evaluation context only: statements are never changed after parsing, and
 * the fix loop re-uses the statements a fix left alone (same object, same index; see
 * parseFixedPolicy), so its re-checks only redo the statements a fix replaced. Answers live on
 * the statement (`answers`: the context they are for, then one slot per memoised function).
 */
import type { NormalizedStatement, TrustPolicy } from '../../policy/normalize';
import type { RuleContext, RuleFinding } from '../types';
import { addFinding, findingsOf } from './findings';

let slots = 0;

/** Stands for "no context" in a slot, so an empty slot (undefined) never passes for an answer. */
const NO_CONTEXT = Object.freeze({});

export function perStatement<T>(compute: (s: NormalizedStatement, ctx: RuleContext) => T): (s: NormalizedStatement, ctx: RuleContext) => T {
  const slot = 1 + slots++;
  return (s, ctx) => {
    const key = ctx ?? NO_CONTEXT;
    let answers = s.answers;
    if (answers !== undefined && answers[0] === key) {
      // An empty slot reads undefined (an undefined answer is not kept: it is computed again).
      const known = answers[slot];
      if (known !== undefined) return known as T;
    }
    const value = compute(s, ctx);
    // Read again: compute may have memoised a nested answer (fargate-source-arn's check asks
    // planFix), creating the array; a new one here would throw that answer away.
    answers = s.answers;
    // One context per statement (the engine evaluates a statement in one context): the answers
    // for another context are dropped. Holding the context once, not once per slot, makes the
    // array about half the size (one is made for most statements a memoised rule asks about).
    if (answers === undefined || answers[0] !== key) {
      // Room for every memoised function's slot (all are created as the rule modules load).
      answers = new Array(1 + slots);
      answers[0] = key;
      s.answers = answers;
    }
    answers[slot] = value;
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
