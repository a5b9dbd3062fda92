import { evaluate } from '../../../lib/engine';
import type { EvaluationContext, PolicyDocument } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/node-role-policy';

const ROLE = 'arn:aws:iam::111122223333:role/AmazonEKSNodeRole';
const WORKER = 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy';
const ECR_READ = 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly';
const ECR_PULL = 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly';
const CNI = 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy';

/** EKS user guide, node IAM role page (seed 002): the node role trust policy. */
const nodeTrust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function nodeFindings(ctx: EvaluationContext) {
  return evaluate(nodeTrust, { roleArn: ROLE, knownNodeRole: true, ...ctx }).findings.filter((f) => f.ruleId === 'node-role-policy');
}

describe('node-role-policy', () => {
  it('is a medium-severity permissions rule without a fix', () => {
    // Assess
    expect(rule.id).toBe('node-role-policy');
    expect(rule.severity).toBe('medium');
    expect(rule.scope).toBe('permissions');
    expect(rule.fix).toBeUndefined();
  });

  it('accepts a node role with the worker policy and either ECR policy', () => {
    // Act + Assess
    expect(nodeFindings({ attachedPolicies: [WORKER, ECR_READ, CNI] })).toEqual([]);
    expect(nodeFindings({ attachedPolicies: [ECR_PULL, WORKER] })).toEqual([]);
  });

  it('accepts China and GovCloud ARNs and bare names', () => {
    // Act + Assess
    expect(
      nodeFindings({
        roleArn: 'arn:aws-cn:iam::111122223333:role/node',
        attachedPolicies: ['arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'arn:aws-cn:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly'],
      }),
    ).toEqual([]);
    expect(
      nodeFindings({
        attachedPolicies: ['arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly'],
      }),
    ).toEqual([]);
    expect(nodeFindings({ attachedPolicies: ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly'] })).toEqual([]);
  });

  it('reports a missing worker node policy', () => {
    // Act
    const r = evaluate(nodeTrust, { roleArn: ROLE, knownNodeRole: true, attachedPolicies: [ECR_READ, CNI] });
    // Assess
    const found = r.findings.filter((f) => f.ruleId === 'node-role-policy');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'medium', statement: null, fixable: false });
    expect(found[0].message).toContain(`${ROLE} is an EKS node group's node role but does not have AmazonEKSWorkerNodePolicy attached`);
    expect(found[0].message).toContain('nodes cannot join the cluster');
    expect(found[0].message).not.toContain('AmazonEC2ContainerRegistryReadOnly');
    expect(r.fixedRuleIds).not.toContain('node-role-policy');
  });

  it('reports a node role with neither ECR policy', () => {
    // Act
    const found = nodeFindings({ attachedPolicies: [WORKER, CNI] });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('AmazonEC2ContainerRegistryReadOnly (or AmazonEC2ContainerRegistryPullOnly)');
    expect(found[0].message).toContain('cannot pull images');
    expect(found[0].message).not.toContain('AmazonEKSWorkerNodePolicy');
  });

  it('reports everything missing in one finding', () => {
    // Act
    const found = nodeFindings({ roleArn: 'arn:aws-cn:iam::111122223333:role/node', attachedPolicies: [] });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('AmazonEKSWorkerNodePolicy and AmazonEC2ContainerRegistryReadOnly');
    expect(found[0].message).toContain('arn:aws-cn:iam::aws:policy/NAME');
  });

  it('says nothing when the role is not known to be a node role or its policies are unknown', () => {
    // Act + Assess
    expect(nodeFindings({ knownNodeRole: false, attachedPolicies: [] })).toEqual([]);
    expect(nodeFindings({ knownNodeRole: undefined, attachedPolicies: [] })).toEqual([]);
    expect(nodeFindings({ attachedPolicies: undefined })).toEqual([]);
  });
});
