import { StatementFlags } from '../policy/normalize';
import { listStatements, servicePair } from './support/service-pair';
import type { Rule } from './types';

/**
 * The message's constant end, one string: each `+` of literals is a string built at run time
 * (V8 does not fold them).
 */
const WHY =
  'The EKS user guide requires a Fargate profile to have a different IAM role than EC2 node groups: both are mapped into the cluster as nodes, ' +
  'and one shared role ties their permissions and cluster identity together (tightening or removing either use breaks the other). ' +
  'Create a separate node role for EC2 and remove ec2.amazonaws.com from this one once nothing uses it.';

export const rule: Rule = {
  id: 'fargate-role-shared',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'The role trusts both eks-fargate-pods.amazonaws.com and ec2.amazonaws.com: a Fargate profile must have a different Pod execution role than EC2 node groups.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_FARGATE) !== 0 && (flags & StatementFlags.SERVICE_EC2) !== 0,
  check(policy) {
    if (!policy) return [];
    const pair = servicePair(policy, StatementFlags.SERVICE_FARGATE, StatementFlags.SERVICE_EC2);
    if (pair === null) return [];
    const { first: fargate, second: ec2, both } = pair;
    return [
      {
        statement: both ? both.index : null,
        message:
          `The role trusts eks-fargate-pods.amazonaws.com (${listStatements(fargate)}) and ec2.amazonaws.com (${listStatements(ec2)}). ${WHY}`,
        // Removing either principal could stop nodes or Fargate pods from starting.
        fixable: false,
      },
    ];
  },
};
