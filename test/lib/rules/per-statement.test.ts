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
});
