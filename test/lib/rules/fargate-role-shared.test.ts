import { evaluate } from '../../../lib/engine';
import { ACCOUNT, check, CTX, findingsOf, policyOf } from './eks-rule-support';

const ID = 'fargate-role-shared';
const PIN = { ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/my-cluster/*` } };
const FARGATE = { Sid: 'Fargate', Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: PIN };
const NODE = { Sid: 'Nodes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };

describe('fargate-role-shared', () => {
  it.each([
    ['a Fargate role', [FARGATE]],
    ['a node role', [NODE]],
    ['a Fargate role that denies EC2', [FARGATE, { ...NODE, Effect: 'Deny' }]],
  ])('accepts %s', (_name, statements) => {
    // Prepare
    const policy = policyOf(statements);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports two statements as a role-level finding naming both', () => {
    const findings = check(ID, policyOf([FARGATE, NODE]));

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: null, fixable: false });
    expect(findings[0].message).toContain('eks-fargate-pods.amazonaws.com (statement 0 "Fargate")');
    expect(findings[0].message).toContain('ec2.amazonaws.com (statement 1 "Nodes")');
    expect(findings[0].message).toContain('different IAM role than EC2 node groups');
    expect(findings[0].message).toContain('Create a separate node role');
  });

  it('lists every statement of each service, and points at the first trusting both', () => {
    // Prepare: statement 1 trusts both, statement 2 (no Sid) only EC2
    const both = { Sid: 'Both', Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'eks-fargate-pods.amazonaws.com'] }, Action: 'sts:AssumeRole' };
    const policy = policyOf([FARGATE, both, { ...NODE, Sid: undefined }]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: 1, fixable: false });
    expect(findings[0].message).toMatch(
      /^The role trusts eks-fargate-pods\.amazonaws\.com \(statements 0 "Fargate", 1 "Both"\) and ec2\.amazonaws\.com \(statements 1 "Both", 2\)\. The EKS user guide /,
    );
  });

  it('points at the statement that trusts both (China spellings, array of services)', () => {
    const policy = policyOf({
      Effect: 'Allow',
      Principal: { Service: ['eks-fargate-pods.amazonaws.com.cn', 'ec2.amazonaws.com.cn'] },
      Action: 'sts:AssumeRole',
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws-cn:eks:*:${ACCOUNT}:fargateprofile/*` } },
    });

    const findings = check(ID, policy, { roleArn: `arn:aws-cn:iam::${ACCOUNT}:role/shared` });

    expect(findings).toEqual([expect.objectContaining({ statement: 0, fixable: false })]);
  });

  it('is a medium finding through the engine and changes nothing', () => {
    const policy = policyOf([FARGATE, NODE]);

    expect(findingsOf(policy, ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'medium' })]);
    expect(evaluate(policy, CTX).fixedPolicy).toBeNull();
  });
});
