import { evaluate } from '../../../lib/engine';
import { rule } from '../../../lib/rules/role-missing';
import { FIXTURE_FILES, loadAssociation, podIdentityRoleTrust } from '../../support/pod-identity-fixtures';

const TARGET = 'arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources';

describe('role-missing', () => {
  it('is a high-severity association rule', () => {
    // Assess
    expect(rule.id).toBe('role-missing');
    expect(rule.severity).toBe('high');
    expect(rule.scope).toBe('association');
    expect(rule.fix).toBeUndefined();
  });

  it.each(FIXTURE_FILES)('reports the association role of %s as missing when the caller says it is gone', (file) => {
    // Prepare
    const association = loadAssociation(file);
    // Act
    const r = evaluate(undefined, { association, associationRole: { exists: false } });
    // Assess
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    expect(f).toMatchObject({ ruleId: 'role-missing', severity: 'high', subject: 'association', statement: null, fixable: false });
    expect(f.message).toContain(`EKS Pod Identity cannot assume role ${association.roleArn}`);
    expect(f.message).toContain('does not exist');
    expect(f.message).toContain(association.associationId as string);
    expect(r.fixedPolicy).toBeNull();
  });

  it('reports a missing target role by its ARN', () => {
    // Prepare
    const association = { ...loadAssociation(FIXTURE_FILES[0]), targetRoleArn: TARGET };
    // Act
    const r = evaluate(podIdentityRoleTrust(), { roleArn: association.roleArn, association, targetRole: { exists: false } });
    // Assess
    const found = r.findings.filter((f) => f.ruleId === 'role-missing');
    expect(found).toHaveLength(1);
    expect(found[0].subject).toBe('association');
    expect(found[0].message).toContain(`EKS Pod Identity cannot assume target role ${TARGET}`);
    // A missing target is not also "unverified".
    expect(r.findings.filter((f) => f.ruleId === 'target-role-unverified')).toEqual([]);
  });

  it('reports both roles when both are gone', () => {
    // Prepare
    const association = { ...loadAssociation(FIXTURE_FILES[1]), targetRoleArn: TARGET };
    // Act
    const r = evaluate(undefined, { association, associationRole: { exists: false }, targetRole: { exists: false } });
    // Assess
    expect(r.findings.filter((f) => f.ruleId === 'role-missing').map((f) => f.message.includes(TARGET))).toEqual([false, true]);
  });

  it('says nothing when the roles exist or their existence is unknown', () => {
    // Prepare
    const association = { ...loadAssociation(FIXTURE_FILES[0]), targetRoleArn: TARGET };
    // Act
    const known = evaluate(podIdentityRoleTrust(), { association, associationRole: { exists: true }, targetRole: { exists: true, readable: false } });
    const unknown = evaluate(podIdentityRoleTrust(), { association });
    // Assess
    expect(known.findings.filter((f) => f.ruleId === 'role-missing')).toEqual([]);
    expect(unknown.findings.filter((f) => f.ruleId === 'role-missing')).toEqual([]);
  });

  it('does not run without an association', () => {
    // Act
    const r = evaluate(podIdentityRoleTrust(), { associationRole: { exists: false } });
    // Assess
    expect(r.findings.filter((f) => f.ruleId === 'role-missing')).toEqual([]);
  });

  it('works with China partition ARNs', () => {
    // Prepare
    const association = {
      clusterName: 'cn-cluster',
      roleArn: 'arn:aws-cn:iam::111122223333:role/app',
      associationArn: 'arn:aws-cn:eks:cn-north-1:111122223333:podidentityassociation/cn-cluster/a-1',
    };
    // Act
    const r = evaluate(undefined, { association, associationRole: { exists: false } });
    // Assess
    expect(r.findings.map((f) => f.ruleId)).toEqual(['role-missing']);
    expect(r.findings[0].message).toContain('arn:aws-cn:iam::111122223333:role/app');
  });
});
