import { StatementFlags, type NormalizedStatement } from '../policy/normalize';
import { isAllow } from '../policy/query';
import type { Rule } from './types';

function list(statements: NormalizedStatement[]): string {
  let names = '';
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    names += `${i === 0 ? '' : ', '}${s.index}${s.sid ? ` "${s.sid}"` : ''}`;
  }
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
    // Allow statements trusting each service, in statement order (trustsService's answer is the
    // statement's SERVICE_* flag), and the first trusting both: one statement trusting both is the
    // place to point at; otherwise the finding is the role's.
    let fargate: NormalizedStatement[] | null = null;
    let ec2: NormalizedStatement[] | null = null;
    let both: NormalizedStatement | undefined;
    const statements = policy.statements;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      if (!isAllow(s)) continue;
      const inA = (s.flags & StatementFlags.SERVICE_FARGATE) !== 0;
      const inB = (s.flags & StatementFlags.SERVICE_EC2) !== 0;
      if (inA) (fargate ??= []).push(s);
      if (inB) (ec2 ??= []).push(s);
      if (inA && inB && both === undefined) both = s;
    }
    if (fargate === null || ec2 === null) return [];
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
