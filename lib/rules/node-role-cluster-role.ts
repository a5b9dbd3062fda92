import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { EC2_SERVICE, EKS_SERVICE, isAllow, trustsService } from '../policy/query';
import type { Rule } from './types';

function list(statements: NormalizedStatement[]): string {
  const names = statements.map((s) => `${s.index}${s.sid ? ` "${s.sid}"` : ''}`).join(', ');
  return `statement${statements.length > 1 ? 's' : ''} ${names}`;
}

export const rule: Rule = {
  id: 'node-role-cluster-role',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'The role trusts both ec2.amazonaws.com and eks.amazonaws.com: the EKS cluster role must not also be the node role.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_EC2) !== 0 && (flags & StatementFlags.SERVICE_EKS) !== 0,
  check(policy) {
    if (!policy) return [];
    const allow = policy.statements.filter(isAllow);
    const ec2 = allow.filter((s) => trustsService(s, EC2_SERVICE));
    const eks = allow.filter((s) => trustsService(s, EKS_SERVICE));
    if (ec2.length === 0 || eks.length === 0) return [];
    const both = ec2.find((s) => eks.includes(s));
    return [
      {
        statement: both ? both.index : null,
        message:
          `The role trusts ec2.amazonaws.com (${list(ec2)}) and eks.amazonaws.com (${list(eks)}). ` +
          "The EKS user guide says a node role can't be the role used to create clusters: every node (and any process on it that reaches the instance credentials) would hold the cluster role's permissions over the account's network and load balancers. " +
          'Use a separate node role and remove ec2.amazonaws.com from the cluster role once nothing uses it.',
        // Removing either principal could break the cluster or its nodes.
        fixable: false,
      },
    ];
  },
};
