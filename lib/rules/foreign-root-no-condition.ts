import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { describeAwsPrincipal, isAllow } from '../policy/query';
import { explainNonPinning, pinningConditionOn } from './public-principal';
import { rootAccountStart } from './support/account-arn';
import type { Rule, RuleFinding } from './types';

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
    const out: RuleFinding[] = [];
    for (const s of policy.statements) {
      if (!isAllow(s) || !s.principal || !anyForeignRoot(s.principal.aws, ctx.roleAccount)) continue;
      // Accounts in TRUSTED_ACCOUNTS are still foreign here: being allowed to appear as a
      // principal says nothing about how narrowly they are trusted.
      const roots = s.principal.aws
        .map(describeAwsPrincipal)
        .filter((p) => p.kind === 'root' && p.account !== null && p.account !== ctx.roleAccount);
      if (roots.length === 0 || pinningConditionOn(s, NARROWING_KEYS)) continue;
      const accounts = [...new Set(roots.map((p) => p.account))].join(', ');
      const plural = accounts.includes(',');
      // Show the root ARNs as written; bare ids are already in the account list.
      const arns = roots.filter((p) => p.raw !== p.account).map((p) => p.raw);
      const values = arns.length > 0 ? ` (${arns.join(', ')})` : '';
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
      out.push({ statement: s.index, message, fixable: false });
    }
    return out;
  },
};
