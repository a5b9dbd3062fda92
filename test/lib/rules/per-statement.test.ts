/** perStatement memoises a rule's answer per statement and context (lib/rules/support/per-statement.ts). */
import { parsePolicy, type NormalizedStatement } from '../../../lib/policy/normalize';
import { perStatement } from '../../../lib/rules/support/per-statement';
import type { RuleContext } from '../../../lib/rules/types';

function statement(): NormalizedStatement {
  const r = parsePolicy({ Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' } });
  if (!r.ok) throw new Error('expected a valid policy');
  return r.policy.statements[0];
}

describe('perStatement', () => {
  it('computes once per statement and context', () => {
    let calls = 0;
    const f = perStatement((s) => ++calls + s.index * 10);
    const s = statement();
    const ctx = {} as RuleContext;
    expect([f(s, ctx), f(s, ctx)]).toEqual([1, 1]);
    expect(f(s, {} as RuleContext)).toBe(2); // another context: computed again
    expect(f(statement(), ctx)).toBe(3); // another statement too
  });

  it('answers a call without a context, also when another memo already made room on the statement', () => {
    const other = perStatement(() => 'other');
    const f = perStatement(() => 'answer');
    const s = statement();
    expect(other(s, {} as RuleContext)).toBe('other');
    expect(f(s, undefined as unknown as RuleContext)).toBe('answer');
    expect(f(s, undefined as unknown as RuleContext)).toBe('answer');
  });

  it('keeps the answer of a memoised function called while computing another, on a fresh statement', () => {
    // Prepare: `outer` asks `inner` on a statement that has no answers yet.
    let innerCalls = 0;
    const inner = perStatement(() => ++innerCalls);
    const outer = perStatement((s, ctx) => inner(s, ctx) + 100);
    const s = statement();
    const ctx = {} as RuleContext;
    // Act
    const first = outer(s, ctx);
    const again = inner(s, ctx);
    // Assess: inner was computed once, its answer kept through outer's memoising.
    expect([first, again, innerCalls]).toEqual([101, 1, 1]);
  });

  it("never answers with another context's value, whichever memo last wrote on the statement", () => {
    // Prepare: two memoised functions whose answers name the context they were computed for.
    const f = perStatement((_s, ctx) => ({ for: ctx }));
    const g = perStatement((_s, ctx) => ({ for: ctx }));
    const s = statement();
    const a = {} as RuleContext;
    const b = {} as RuleContext;
    // Act: f in a, g in b, then f and g in each context again.
    const fa = f(s, a);
    const gb = g(s, b);
    const answers = [f(s, b), g(s, a), f(s, a), g(s, b)];
    // Assess: every answer is for the context it was asked in.
    expect([fa.for, gb.for]).toEqual([a, b]);
    expect(answers.map((x) => x.for)).toEqual([b, a, a, b]);
    expect(answers.map((x) => x.for === a)).toEqual([false, true, true, false]);
  });
});
