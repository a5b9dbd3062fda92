import { evaluate } from '../../../lib/engine';
import { check, CTX, findingsOf, policyOf } from './eks-rule-support';

const ID = 'node-role-cluster-role';
const NODE = { Sid: 'Nodes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
const CLUSTER = { Sid: 'Cluster', Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] };

describe('node-role-cluster-role', () => {
  it.each([
    ['a node role', [NODE]],
    ['a cluster role', [CLUSTER]],
    ['a node role that also trusts other EKS principals (Fargate, Pod Identity)', [NODE, { ...CLUSTER, Principal: { Service: ['pods.eks.amazonaws.com', 'eks-fargate-pods.amazonaws.com'] } }]],
    ['a cluster role that denies EC2', [CLUSTER, { ...NODE, Effect: 'Deny' }]],
  ])('accepts %s', (_name, statements) => {
    // Prepare
    const policy = policyOf(statements);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports two statements as a role-level finding naming both', () => {
    const findings = check(ID, policyOf([NODE, CLUSTER]));

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: null, fixable: false });
    expect(findings[0].message).toContain('ec2.amazonaws.com (statement 0 "Nodes")');
    expect(findings[0].message).toContain('eks.amazonaws.com (statement 1 "Cluster")');
    expect(findings[0].message).toContain('Use a separate node role');
  });

  it('points at a single statement trusting both, in any spelling', () => {
    const policy = policyOf({ Effect: 'Allow', Principal: { Service: ['EC2.amazonaws.com', 'eks.amazonaws.com.cn'] }, Action: 'sts:AssumeRole' });

    expect(check(ID, policy)).toEqual([expect.objectContaining({ statement: 0, fixable: false })]);
  });

  it('is a medium finding through the engine and changes nothing', () => {
    const policy = policyOf([NODE, { ...CLUSTER, Action: 'sts:AssumeRole' }]);

    expect(findingsOf(policy, ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'medium' })]);
    expect(evaluate(policy, CTX).fixedPolicy).toBeNull();
  });
});
