import { accountOfArn, describeAssociation } from './pod-identity/association';
import type { Rule } from './types';

export const rule: Rule = {
  id: 'association-role-account',
  severity: 'high',
  scope: 'association',
  summary:
    "The Pod Identity association's role is in another account than the cluster: iam:PassRole needs the role in the cluster's account, so the association cannot work.",
  check(_policy, ctx) {
    const assoc = ctx.association;
    const roleAccount = accountOfArn(assoc?.roleArn);
    if (!assoc || !roleAccount) return [];
    // Both the cluster's account and the association ARN's account say where the cluster is;
    // the role must be in that account whichever of the two the caller knows.
    const clusterSide = [
      ...(assoc.clusterAccount ? [{ account: assoc.clusterAccount, from: 'the cluster' }] : []),
      ...(accountOfArn(assoc.associationArn) ? [{ account: accountOfArn(assoc.associationArn) as string, from: 'the association ARN' }] : []),
    ];
    const differing = clusterSide.filter((c) => c.account !== roleAccount);
    if (differing.length === 0) return [];
    const accounts = [...new Set(differing.map((d) => d.account))];
    const sources = differing.map((d) => `${d.from} says ${d.account}`).join(', ');
    const cluster = assoc.clusterName ? `cluster ${assoc.clusterName}` : 'the cluster';
    return [
      {
        statement: null,
        message: `EKS Pod Identity cannot use role ${assoc.roleArn} for ${describeAssociation(assoc)}: the role is in account ${roleAccount} but ${cluster} is in account ${accounts.join(' / ')} (${sources}), and iam:PassRole requires the association's role in the cluster's account. Use a role in account ${accounts[0]} as the association's role and, to reach account ${roleAccount}, make ${assoc.roleArn} its target role.`,
        fixable: false,
      },
    ];
  },
};
