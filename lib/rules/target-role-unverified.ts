import { accountOfArn } from './pod-identity/association';
import type { Rule } from './types';

export const rule: Rule = {
  id: 'target-role-unverified',
  severity: 'info',
  scope: 'target-role',
  summary:
    "The Pod Identity association's target role trust policy could not be read (typically another account), so its trust in the association's role is not verified.",
  check(policy, ctx) {
    const assoc = ctx.association;
    const facts = ctx.targetRole;
    if (!assoc?.targetRoleArn || policy) return [];
    // A target role known not to exist is role-missing's finding, not an unverified one.
    if (facts?.exists === false) return [];
    const unreadable = facts?.readable === false;
    if (!unreadable && facts?.trustPolicy !== undefined) return []; // given but invalid: policy-invalid says so
    const account = accountOfArn(assoc.targetRoleArn);
    const why = unreadable
      ? `its trust policy cannot be read from here${account ? ` (account ${account})` : ''}`
      : 'its trust policy was not looked up';
    return [
      {
        statement: null,
        message: `Target role ${assoc.targetRoleArn} of the association using ${assoc.roleArn ?? 'its role'} was not checked: ${why}. Check in ${account ? `account ${account}` : "the target role's account"} that it trusts ${assoc.roleArn ?? "the association's role"} with sts:AssumeRole and sts:TagSession${assoc.externalId ? ` and requires sts:ExternalId "${assoc.externalId}"` : ''}, or let eks-trust-guard read it.`,
        fixable: false,
      },
    ];
  },
};
