import { evaluate } from '../../../lib/engine';
import type { EvaluationContext, PodIdentityAssociation, PolicyDocument } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/association-session-tags';
import { FIXTURE_FILES, loadAssociation, podIdentityRoleTrust, targetRoleTrust } from '../../support/pod-identity-fixtures';

const PRIMARY = 'arn:aws:iam::111122223333:role/eks-pod-identity-primary-role';
const TARGET = 'arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources';

function association(extra: Partial<PodIdentityAssociation> = {}): PodIdentityAssociation {
  return { ...loadAssociation(FIXTURE_FILES[1]), roleArn: PRIMARY, disableSessionTags: true, ...extra };
}

function tagFindings(policy: unknown, a: PodIdentityAssociation = association(), extra: Omit<EvaluationContext, 'association'> = {}) {
  return evaluate(policy, { roleArn: a.roleArn, association: a, ...extra }).findings.filter((f) => f.ruleId === 'association-session-tags');
}

/** The user guide Pod Identity trust policy, restricted by the session tags EKS adds. */
function taggedRoleTrust(operator = 'StringEquals', value: string = 'eks-customer'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowEksAuthToAssumeRoleForPodIdentity',
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { [operator]: { 'aws:RequestTag/eks-cluster-name': value } },
      },
    ],
  };
}

describe('association-session-tags', () => {
  it('is a high-severity association rule without a fix', () => {
    // Assess
    expect(rule.id).toBe('association-session-tags');
    expect(rule.severity).toBe('high');
    expect(rule.scope).toBe('association');
    expect(rule.fix).toBeUndefined();
  });

  it("reports disabled session tags with a role trust conditioned on aws:RequestTag", () => {
    // Act
    const found = tagFindings(taggedRoleTrust());
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'high', subject: 'association', statement: null, fixable: false });
    expect(found[0].message).toContain(`EKS Pod Identity cannot assume role ${PRIMARY}`);
    expect(found[0].message).toContain('statement 0 (AllowEksAuthToAssumeRoleForPodIdentity) requires aws:RequestTag/eks-cluster-name');
    expect(found[0].message).toContain('Enable session tags on the association');
  });

  it('also counts Null = false (tag must be present) and case-insensitive keys', () => {
    // Act + Assess
    expect(tagFindings(taggedRoleTrust('Null', 'false'))).toHaveLength(1);
    expect(tagFindings(taggedRoleTrust('ForAnyValue:StringLike', 'eks-*'))).toHaveLength(1);
    const upper = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { stringequals: { 'AWS:REQUESTTAG/kubernetes-namespace': 'default' } } }] };
    expect(tagFindings(upper)).toHaveLength(1);
  });

  it('says nothing when session tags are enabled or unspecified', () => {
    // Act + Assess
    expect(tagFindings(taggedRoleTrust(), association({ disableSessionTags: false }))).toEqual([]);
    expect(tagFindings(taggedRoleTrust(), association({ disableSessionTags: undefined }))).toEqual([]);
  });

  it.each(FIXTURE_FILES)('says nothing for %s with the user guide trust policy, even with tags disabled', (file) => {
    // Prepare
    const a = { ...loadAssociation(file), disableSessionTags: true };
    // Act
    const found = tagFindings(podIdentityRoleTrust(), a);
    // Assess
    expect(found).toEqual([]);
  });

  it('says nothing for conditions an absent tag passes (IfExists, Null = true, negated)', () => {
    // Act + Assess
    expect(tagFindings(taggedRoleTrust('StringEqualsIfExists'))).toEqual([]);
    expect(tagFindings(taggedRoleTrust('Null', 'true'))).toEqual([]);
    expect(tagFindings(taggedRoleTrust('StringNotEquals', 'other-cluster'))).toEqual([]);
  });

  it('says nothing when another statement lets Pod Identity in without tag conditions', () => {
    // Prepare
    const doc = {
      Version: '2012-10-17',
      Statement: [...(taggedRoleTrust().Statement as object[]), ...(podIdentityRoleTrust().Statement as object[])],
    };
    // Act + Assess
    expect(tagFindings(doc)).toEqual([]);
  });

  it("reads the association role's policy from associationRole facts", () => {
    // Act
    const found = tagFindings(podIdentityRoleTrust(), association(), {
      roleArn: 'arn:aws:iam::111122223333:role/other',
      associationRole: { exists: true, trustPolicy: encodeURIComponent(JSON.stringify(taggedRoleTrust())) },
    });
    // Assess
    expect(found).toHaveLength(1);
  });

  describe('target role', () => {
    const taggedTarget = (principal = PRIMARY): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'default' } } },
        { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:TagSession' },
      ],
    });

    it('reports a cross-account target role whose AssumeRole statement requires a request tag', () => {
      // Prepare
      const a = association({ targetRoleArn: TARGET });
      // Act
      const found = tagFindings(podIdentityRoleTrust(), a, { targetRole: { exists: true, trustPolicy: encodeURIComponent(JSON.stringify(taggedTarget())) } });
      // Assess
      expect(found).toHaveLength(1);
      expect(found[0].subject).toBe('association');
      expect(found[0].message).toContain(`EKS Pod Identity cannot assume target role ${TARGET} from ${PRIMARY}`);
      expect(found[0].message).toContain('statement 0 requires aws:RequestTag/kubernetes-namespace');
    });

    it('reports both the role and the target role', () => {
      // Prepare
      const a = association({ targetRoleArn: TARGET });
      // Act
      const found = tagFindings(taggedRoleTrust(), a, { targetRole: { trustPolicy: taggedTarget() } });
      // Assess
      expect(found.map((f) => f.message.includes('target role'))).toEqual([false, true]);
    });

    it('says nothing for the user guide target trust, tag conditions only on TagSession, or no target role', () => {
      // Prepare
      const onTagSession = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:TagSession', Condition: { StringLike: { 'aws:RequestTag/eks-cluster-name': '*' } } },
        ],
      };
      // Act + Assess
      expect(tagFindings(podIdentityRoleTrust(), association({ targetRoleArn: TARGET }), { targetRole: { trustPolicy: targetRoleTrust() } })).toEqual([]);
      expect(tagFindings(podIdentityRoleTrust(), association({ targetRoleArn: TARGET }), { targetRole: { trustPolicy: onTagSession } })).toEqual([]);
      expect(tagFindings(podIdentityRoleTrust(), association(), { targetRole: { trustPolicy: taggedTarget() } })).toEqual([]);
      expect(tagFindings(podIdentityRoleTrust(), association({ targetRoleArn: TARGET }), { targetRole: { readable: false } })).toEqual([]);
    });

    it('works in the China partition', () => {
      // Prepare
      const cnPrimary = 'arn:aws-cn:iam::111122223333:role/primary';
      const a = association({ roleArn: cnPrimary, targetRoleArn: 'arn:aws-cn:iam::222233334444:role/target' });
      // Act
      const found = tagFindings(podIdentityRoleTrust(), a, { targetRole: { trustPolicy: taggedTarget(cnPrimary) } });
      const otherPartition = tagFindings(podIdentityRoleTrust(), a, { targetRole: { trustPolicy: taggedTarget(PRIMARY) } });
      // Assess
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('arn:aws-cn:iam::222233334444:role/target');
      // A statement for a role in another partition is not the association role's.
      expect(otherPartition).toEqual([]);
    });
  });
});
