/** Collecting a check's findings (lib/rules/support/findings.ts). */
import { addFinding, findingsOf } from '../../../lib/rules/support/findings';
import { NO_FINDINGS, type RuleFinding } from '../../../lib/rules/types';

function finding(statement: number): RuleFinding {
  return { statement, message: `finding ${statement}`, fixable: false };
}

describe('addFinding / findingsOf', () => {
  it('gives the shared NO_FINDINGS when nothing was added', () => {
    // Prepare
    const out: RuleFinding[] | null = null;
    // Act
    const result = findingsOf(out);
    // Assess
    expect(result).toBe(NO_FINDINGS);
    expect(result).toEqual([]);
  });

  it('starts a new list with the first finding and appends the next ones in order', () => {
    // Prepare
    const a = finding(0);
    const b = finding(1);
    const c = finding(2);
    // Act
    let out: RuleFinding[] | null = null;
    out = addFinding(out, a);
    const first = out;
    out = addFinding(out, b);
    out = addFinding(out, c);
    // Assess
    expect(out).toBe(first); // appended to, not copied
    expect(findingsOf(out)).toBe(out);
    expect(out).toEqual([a, b, c]);
    expect(NO_FINDINGS).toEqual([]); // the shared empty answer is never appended to
  });
});
