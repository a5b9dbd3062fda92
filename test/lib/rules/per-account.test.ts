/** perAccount memoises what a rule derives from an account id (lib/rules/support/per-account.ts). */
import { MAX_ACCOUNTS, perAccount } from '../../../lib/rules/support/per-account';

describe('perAccount', () => {
  it('builds once per account and hands back the same answer', () => {
    // Prepare
    const built: string[] = [];
    const f = perAccount((account) => {
      built.push(account);
      return { text: `account ${account}` };
    });
    // Act
    const first = f('111122223333');
    const again = f('111122223333');
    const other = f('444455556666');
    // Assess
    expect(first).toEqual({ text: 'account 111122223333' });
    expect(again).toBe(first);
    expect(other).toEqual({ text: 'account 444455556666' });
    expect(built).toEqual(['111122223333', '444455556666']);
  });

  it('keeps answering correctly past its size limit (it starts over, building again)', () => {
    // Prepare
    let calls = 0;
    const f = perAccount((account) => {
      calls++;
      return `<${account}>`;
    });
    const accounts = Array.from({ length: MAX_ACCOUNTS + 5 }, (_, i) => String(100000000000 + i));
    // Act
    const answers = accounts.map((a) => f(a));
    const firstAgain = f(accounts[0]);
    // Assess
    expect(answers).toEqual(accounts.map((a) => `<${a}>`));
    expect(firstAgain).toBe(`<${accounts[0]}>`);
    expect(calls).toBe(MAX_ACCOUNTS + 6); // the first account was dropped when the memo started over
  });
});
