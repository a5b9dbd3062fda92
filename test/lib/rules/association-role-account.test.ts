import { evaluate } from '../../../lib/engine';
import type { PodIdentityAssociation } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/association-role-account';
import { associationFromApi, FIXTURE_FILES, loadAssociation, podIdentityRoleTrust } from '../../support/pod-identity-fixtures';

function accountFindings(association: PodIdentityAssociation) {
  return evaluate(podIdentityRoleTrust(), { roleArn: association.roleArn, association }).findings.filter((f) => f.ruleId === 'association-role-account');
}

describe('association-role-account', () => {
  it('is a high-severity association rule without a fix', () => {
    // Assess
    expect(rule.id).toBe('association-role-account');
    expect(rule.severity).toBe('high');
    expect(rule.scope).toBe('association');
    expect(rule.fix).toBeUndefined();
  });

  it.each(FIXTURE_FILES)('accepts %s, whose role is in the cluster account', (file) => {
    // Prepare
    const association = loadAssociation(file);
    // Act
    const found = accountFindings(association);
    // Assess
    expect(association.clusterAccount).toBe('111122223333');
    expect(found).toEqual([]);
  });

  it('accepts the EKS user guide example output, whose association ARN has no service part', () => {
    // Prepare: seed 001, `aws eks create-pod-identity-association` example output, as printed.
    const association = associationFromApi({
      association: {
        clusterName: 'my-cluster',
        namespace: 'default',
        serviceAccount: 'my-service-account',
        roleArn: 'arn:aws:iam::111122223333:role/my-role',
        associationArn: 'arn:aws::111122223333:podidentityassociation/my-cluster/a-abcdefghijklmnop1',
        associationId: 'a-abcdefghijklmnop1',
        tags: {},
        createdAt: 1700862734.922,
        modifiedAt: 1700862734.922,
      },
    });
    // Act
    const found = accountFindings(association);
    // Assess
    expect(found).toEqual([]);
  });

  it('reports a role in another account than the cluster', () => {
    // Prepare: the cross-account role given as the association's role instead of its target role.
    const association = { ...loadAssociation(FIXTURE_FILES[0]), roleArn: 'arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources' };
    // Act
    const found = accountFindings(association);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'high', subject: 'association', statement: null, fixable: false });
    expect(found[0].message).toContain('EKS Pod Identity cannot use role arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources');
    expect(found[0].message).toContain('account 222233334444');
    expect(found[0].message).toContain('cluster eks-customer is in account 111122223333');
    expect(found[0].message).toContain('iam:PassRole');
    expect(found[0].message).toContain('target role');
  });

  it('uses the association ARN when the cluster account is not given', () => {
    // Prepare
    const association: PodIdentityAssociation = {
      clusterName: 'eks-customer',
      roleArn: 'arn:aws:iam::444455556666:role/app',
      associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/eks-customer/a-1',
    };
    // Act
    const found = accountFindings(association);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('the association ARN says 111122223333');
  });

  it('uses the cluster account when there is no association ARN (e.g. a create request)', () => {
    // Prepare
    const same: PodIdentityAssociation = { clusterAccount: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/app' };
    const other: PodIdentityAssociation = { clusterAccount: '111122223333', roleArn: 'arn:aws:iam::444455556666:role/app' };
    // Act + Assess
    expect(accountFindings(same)).toEqual([]);
    expect(accountFindings(other)).toHaveLength(1);
  });

  it('works in the China partition', () => {
    // Prepare
    const base = {
      clusterName: 'cn-cluster',
      associationArn: 'arn:aws-cn:eks:cn-north-1:111122223333:podidentityassociation/cn-cluster/a-1',
      clusterAccount: '111122223333',
    };
    // Act
    const same = accountFindings({ ...base, roleArn: 'arn:aws-cn:iam::111122223333:role/app' });
    const other = accountFindings({ ...base, roleArn: 'arn:aws-cn:iam::999988887777:role/app' });
    // Assess
    expect(same).toEqual([]);
    expect(other).toHaveLength(1);
    expect(other[0].message).toContain('account 999988887777');
  });

  it('says nothing when the role account or the cluster account is unknown', () => {
    // Act + Assess
    expect(accountFindings({ clusterName: 'c', roleArn: 'arn:aws:iam::444455556666:role/app' })).toEqual([]);
    expect(accountFindings({ clusterAccount: '111122223333' })).toEqual([]);
    expect(accountFindings({ clusterAccount: '111122223333', roleArn: 'not-an-arn' })).toEqual([]);
  });
});
