import { StatementFlags } from '../policy/normalize';
import { listStatements, servicePair } from './support/service-pair';
import type { Rule } from './types';

/**
 * The message's constant end, one string: each `+` of literals is a string built at run time
 * (V8 does not fold them).
 */
const WHY =
  "The EKS user guide says a node role can't be the role used to create clusters: every node (and any process on it that reaches the instance credentials) would hold the cluster role's permissions over the account's network and load balancers. " +
  'Use a separate node role and remove ec2.amazonaws.com from the cluster role once nothing uses it.';

export const rule: Rule = {
  id: 'node-role-cluster-role',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'The role trusts both ec2.amazonaws.com and eks.amazonaws.com: the EKS cluster role must not also be the node role.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_EC2) !== 0 && (flags & StatementFlags.SERVICE_EKS) !== 0,
  check(policy) {
    if (!policy) return [];
    const pair = servicePair(policy, StatementFlags.SERVICE_EC2, StatementFlags.SERVICE_EKS);
    if (pair === null) return [];
    const { first: ec2, second: eks, both } = pair;
    return [
      {
        statement: both ? both.index : null,
        message:
          `The role trusts ec2.amazonaws.com (${listStatements(ec2)}) and eks.amazonaws.com (${listStatements(eks)}). ${WHY}`,
        // Removing either principal could break the cluster or its nodes.
        fixable: false,
      },
    ];
  },
};
