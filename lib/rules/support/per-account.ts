/**
 * Memoise what a rule derives from an account id alone (typically the parts of its messages that
 * name the role's account): a run sees few accounts, usually one, so each is built once instead
 * of once per finding. Answers are shared: treat them as read-only.
 */

/** Past this many accounts the memo starts over (it only has to hold the few a run uses). */
export const MAX_ACCOUNTS = 64;

export function perAccount<T>(build: (account: string) => T): (account: string) => T {
  const answers = new Map<string, T>();
  return (account) => {
    let answer = answers.get(account);
    if (answer === undefined) {
      answer = build(account);
      if (answers.size >= MAX_ACCOUNTS) answers.clear();
      answers.set(account, answer);
    }
    return answer;
  };
}
