import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { EC2_SERVICE, FARGATE_SERVICE, isAllow, trustsService } from '../policy/query';
import type { Rule } from './types';

function list(statements: NormalizedStatement[]): string {
  const names = statements.map((s) => `${s.index}${s.sid ? ` "${s.sid}"` : ''}`).join(', ');
  return `statement${statements.length > 1 ? 's' : ''} ${names}`;
}

export const rule: Rule = {
  id: 'fargate-role-shared',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'The role trusts both eks-fargate-pods.amazonaws.com and ec2.amazonaws.com: a Fargate profile must have a different Pod execution role than EC2 node groups.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_FARGATE) !== 0 && (flags & StatementFlags.SERVICE_EC2) !== 0,
  check(policy) {
    if (!policy) return [];
    const allow = policy.statements.filter(isAllow);
    const fargate = allow.filter((s) => trustsService(s, FARGATE_SERVICE));
    const ec2 = allow.filter((s) => trustsService(s, EC2_SERVICE));
    if (fargate.length === 0 || ec2.length === 0) return [];
    // One statement trusting both is the place to point at; otherwise the finding is the role's.
    const both = fargate.find((s) => ec2.includes(s));
    return [
      {
        statement: both ? both.index : null,
        message:
          `The role trusts eks-fargate-pods.amazonaws.com (${list(fargate)}) and ec2.amazonaws.com (${list(ec2)}). ` +
          'The EKS user guide requires a Fargate profile to have a different IAM role than EC2 node groups: both are mapped into the cluster as nodes, ' +
          'and one shared role ties their permissions and cluster identity together (tightening or removing either use breaks the other). ' +
          'Create a separate node role for EC2 and remove ec2.amazonaws.com from this one once nothing uses it.',
        // Removing either principal could stop nodes or Fargate pods from starting.
        fixable: false,
      },
    ];
  },
};
