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
  id: 'node-role-cluster-role',
  severity: 'medium',
  scope: 'trust-policy',
  summary:
    'The role trusts both ec2.amazonaws.com and eks.amazonaws.com: the EKS cluster role must not also be the node role.',
  appliesTo: (flags) => (flags & StatementFlags.SERVICE_EC2) !== 0 && (flags & StatementFlags.SERVICE_EKS) !== 0,
  check(policy) {
    if (!policy) return [];
    // Allow statements trusting each service, in statement order (trustsService's answer is the
    // statement's SERVICE_* flag), and the first trusting both: one statement trusting both is the
    // place to point at; otherwise the finding is the role's.
    let ec2: NormalizedStatement[] | null = null;
    let eks: NormalizedStatement[] | null = null;
    let both: NormalizedStatement | undefined;
    const statements = policy.statements;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      if (!isAllow(s)) continue;
      const inA = (s.flags & StatementFlags.SERVICE_EC2) !== 0;
      const inB = (s.flags & StatementFlags.SERVICE_EKS) !== 0;
      if (inA) (ec2 ??= []).push(s);
      if (inB) (eks ??= []).push(s);
      if (inA && inB && both === undefined) both = s;
    }
    if (ec2 === null || eks === null) return [];
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
