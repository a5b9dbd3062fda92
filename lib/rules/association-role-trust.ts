import { allowsAction, isAllow, POD_IDENTITY_SERVICE, trustsService } from '../policy/query';
import { associationRolePolicy, describeAssociation } from './pod-identity/association';
import type { Rule } from './types';

export const rule: Rule = {
  id: 'association-role-trust',
  severity: 'high',
  scope: 'association',
  summary:
    "The Pod Identity association's role does not trust pods.eks.amazonaws.com for sts:AssumeRole, so EKS Pod Identity cannot assume it.",
  check(policy, ctx) {
    const assoc = ctx.association;
    const rolePolicy = associationRolePolicy(policy, ctx);
    // Unknown or missing role: nothing to judge here (role-missing / policy-invalid say why).
    if (!assoc || !rolePolicy) return [];
    // Only an explicit service principal counts: `"*"` is the public-principal rule's finding,
    // and its usual conditions (aws:PrincipalAccount, …) would shut the service out anyway.
    const naming = rolePolicy.statements.filter((s) => isAllow(s) && trustsService(s, POD_IDENTITY_SERVICE));
    if (naming.some((s) => allowsAction(s, 'sts:AssumeRole'))) return [];
    const role = assoc.roleArn ?? "the association's role";
    const why =
      naming.length === 0
        ? 'its trust policy has no Allow statement for the service principal pods.eks.amazonaws.com'
        : `its trust policy names pods.eks.amazonaws.com (statement ${naming.map((s) => s.index).join(', ')}) but never allows it sts:AssumeRole`;
    return [
      {
        statement: null,
        message: `EKS Pod Identity cannot assume role ${role} for ${describeAssociation(assoc)}: ${why}. Add a statement trusting pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession (this is not done automatically: adding a trusted principal widens access).`,
        fixable: false,
      },
    ];
  },
};
