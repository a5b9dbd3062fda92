import { evaluate } from '../../../lib/engine';
import type { EvaluationContext, PolicyDocument } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/fargate-role-policy';
import { clone } from '../../support/pod-identity-fixtures';

const ROLE = 'arn:aws:iam::111122223333:role/AmazonEKSFargatePodExecutionRole';
const POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy';

/** EKS user guide, "Amazon EKS Pod execution IAM role" (seed 000): the Fargate Pod execution role trust policy. */
const fargateTrust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:eks:region-code:111122223333:fargateprofile/my-cluster/*' } },
      Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
};

const ec2Trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function policyFindings(policy: unknown, ctx: EvaluationContext) {
  return evaluate(policy, { roleArn: ROLE, ...ctx }).findings.filter((f) => f.ruleId === 'fargate-role-policy');
}

describe('fargate-role-policy', () => {
  it('is a medium-severity permissions rule without a fix', () => {
    // Assess
    expect(rule.id).toBe('fargate-role-policy');
    expect(rule.severity).toBe('medium');
    expect(rule.scope).toBe('permissions');
    expect(rule.fix).toBeUndefined();
  });

  it('accepts a Fargate role with the managed policy attached (ARN, name, or a China ARN)', () => {
    // Act + Assess
    expect(policyFindings(fargateTrust, { attachedPolicies: [POLICY_ARN] })).toEqual([]);
    expect(policyFindings(fargateTrust, { attachedPolicies: ['AmazonEKSFargatePodExecutionRolePolicy'] })).toEqual([]);
    expect(
      policyFindings(fargateTrust, {
        roleArn: 'arn:aws-cn:iam::111122223333:role/fargate',
        attachedPolicies: ['arn:aws-cn:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy'],
      }),
    ).toEqual([]);
  });

  it('reports a role trusting eks-fargate-pods.amazonaws.com without the managed policy', () => {
    // Prepare
    const input = clone(fargateTrust);
    // Act
    const r = evaluate(input, { roleArn: ROLE, attachedPolicies: ['arn:aws:iam::111122223333:policy/my-policy'] });
    // Assess
    const found = r.findings.filter((f) => f.ruleId === 'fargate-role-policy');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'medium', statement: null, fixable: false });
    expect(found[0].subject ?? 'role').toBe('role');
    expect(found[0].message).toContain(`${ROLE} trusts eks-fargate-pods.amazonaws.com but does not have AmazonEKSFargatePodExecutionRolePolicy attached`);
    expect(found[0].message).toContain(`Attach ${POLICY_ARN}`);
    expect(r.fixedRuleIds).not.toContain('fargate-role-policy');
    expect(input).toEqual(fargateTrust);
  });

  it('reports a known Fargate Pod execution role even when its trust does not name Fargate', () => {
    // Act
    const found = policyFindings(ec2Trust, { attachedPolicies: [], knownFargateRole: true });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("is a Fargate profile's Pod execution role");
  });

  it('does not take a customer policy with a longer name for the managed one', () => {
    // Act
    const found = policyFindings(fargateTrust, { attachedPolicies: ['arn:aws:iam::111122223333:policy/AmazonEKSFargatePodExecutionRolePolicyCopy'] });
    // Assess
    expect(found).toHaveLength(1);
  });

  it('says nothing when the attached policies are unknown or the role is not a Fargate role', () => {
    // Act + Assess
    expect(policyFindings(fargateTrust, {})).toEqual([]);
    expect(policyFindings(fargateTrust, { knownFargateRole: true })).toEqual([]);
    expect(policyFindings(ec2Trust, { attachedPolicies: [] })).toEqual([]);
  });

  it('writes the China partition in its advice', () => {
    // Act
    const found = policyFindings(fargateTrust, { roleArn: 'arn:aws-cn:iam::111122223333:role/fargate', attachedPolicies: [] });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('arn:aws-cn:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy');
  });
});
