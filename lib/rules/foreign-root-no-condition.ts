import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { explainNonPinning, pinningConditionOn } from './public-principal';
import { accountSet, MANY_ACCOUNTS, rootAccountStart } from './support/account-arn';
import { addFinding, findingsOf } from './support/findings';
import type { Rule, RuleFinding } from './types';

/** Allow statements with Principal.AWS values. */
const ALLOW_AWS = StatementFlags.ALLOW | StatementFlags.AWS;

/** Conditions that narrow a whole-account grant to a known caller (spec/RULES.md). */
const NARROWING_KEYS = ['sts:ExternalId', 'aws:PrincipalArn', 'aws:PrincipalOrgID'];

/**
 * Does any of these AWS principals name the root of an account other than `roleAccount`
 * (describeAwsPrincipal: kind root, an account, not the role's)? Allocates nothing.
 */
function anyForeignRoot(aws: string[], roleAccount: string | null): boolean {
  for (let i = 0; i < aws.length; i++) {
    const v = aws[i];
    const at = rootAccountStart(v);
    if (at < 0) continue;
    if (roleAccount === null || roleAccount.length !== 12 || !v.startsWith(roleAccount, at)) return true;
  }
  return false;
}

function where(s: NormalizedStatement): string {
  return `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

export const rule: Rule = {
  id: 'foreign-root-no-condition',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'The role trusts a whole other AWS account (its root or bare account id) without an sts:ExternalId, aws:PrincipalArn or aws:PrincipalOrgID condition, so any identity that account allows can assume it.',
  appliesTo: (flags) => (flags & StatementFlags.AWS) !== 0,
  check(policy, ctx) {
    if (!policy) return [];
    let out: RuleFinding[] | null = null;
    const statements = policy.statements;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      const principal = s.principal;
      // The flags say what isAllow and a non-empty Principal.AWS would, without reading either.
      if ((s.flags & ALLOW_AWS) !== ALLOW_AWS || principal === null || !anyForeignRoot(principal.aws, ctx.roleAccount)) continue;
      // Accounts in TRUSTED_ACCOUNTS are still foreign here: being allowed to appear as a
      // principal says nothing about how narrowly they are trusted.
      if (pinningConditionOn(s, NARROWING_KEYS)) continue;
      const roleAccount = ctx.roleAccount;
      let accounts = ''; // distinct 12-digit ids joined with ", ": a 12-digit substring is one of them
      let plural = false;
      let distinct = 0;
      let seen: Set<string> | null = null; // the accounts once there are many (includes would go quadratic)
      let arns = ''; // the root ARNs as written; bare ids are already in the account list
      for (const v of principal.aws) {
        const at = rootAccountStart(v);
        if (at < 0) continue;
        const bare = at === 0 && v.length === 12;
        const account = bare ? v : v.slice(at, at + 12);
        if (account === roleAccount) continue;
        if (accounts === '') {
          accounts = account;
          distinct = 1;
        } else if (seen !== null ? !seen.has(account) : !accounts.includes(account)) {
          accounts = `${accounts}, ${account}`;
          plural = true;
          distinct++;
          if (seen !== null) seen.add(account);
          else if (distinct === MANY_ACCOUNTS) seen = accountSet(accounts);
        }
        if (!bare) arns = arns === '' ? v : `${arns}, ${v}`;
      }
      const values = arns !== '' ? ` (${arns})` : '';
      const weak = explainNonPinning(s, NARROWING_KEYS);
      const todo =
        ' Name the roles or users that need access (or add aws:PrincipalArn), or require a StringEquals sts:ExternalId or aws:PrincipalOrgID condition.';
      const message =
        ctx.roleAccount === null
          ? `${where(s)} trusts all of account${plural ? 's' : ''} ${accounts}${values} with no sts:ExternalId, aws:PrincipalArn or aws:PrincipalOrgID condition; ` +
            `whether ${plural ? 'they are' : 'it is'} foreign cannot be verified: the role's account is unknown (pass --account). ` +
            `If ${plural ? 'they are' : 'it is'} not the role's own account, any identity there that is allowed sts:AssumeRole can assume this role.${weak}${todo}`
          : `${where(s)} trusts all of foreign account${plural ? 's' : ''} ${accounts}${values} with no sts:ExternalId, aws:PrincipalArn or aws:PrincipalOrgID condition: ` +
            `any identity there that is allowed sts:AssumeRole can assume this role, and a third party acting for you can be tricked into doing so (confused deputy).${weak}${todo}`;
      out = addFinding(out, { statement: s.index, message, fixable: false });
    }
    return findingsOf(out);
  },
};
