import { evaluate } from '../../../lib/engine';
import type { EvaluationContext, PodIdentityAssociation } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/target-role-unverified';
import { FIXTURE_FILES, loadAssociation, podIdentityRoleTrust, targetRoleTrust } from '../../support/pod-identity-fixtures';

const PRIMARY = 'arn:aws:iam::111122223333:role/eks-pod-identity-primary-role';
const TARGET = 'arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources';

function association(extra: Partial<PodIdentityAssociation> = {}): PodIdentityAssociation {
  return { ...loadAssociation(FIXTURE_FILES[0]), roleArn: PRIMARY, targetRoleArn: TARGET, ...extra };
}

function unverified(ctx: Omit<EvaluationContext, 'association'>, a: PodIdentityAssociation = association()) {
  return evaluate(podIdentityRoleTrust(), { roleArn: a.roleArn, association: a, ...ctx }).findings.filter((f) => f.ruleId === 'target-role-unverified');
}

describe('target-role-unverified', () => {
  it('is an info target-role rule without a fix', () => {
    // Assess
    expect(rule.id).toBe('target-role-unverified');
    expect(rule.severity).toBe('info');
    expect(rule.scope).toBe('target-role');
    expect(rule.fix).toBeUndefined();
  });

  it('reports a cross-account target role whose trust policy cannot be read', () => {
    // Act
    const found = unverified({ targetRole: { exists: true, readable: false } });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'info', subject: 'target-role', statement: null, fixable: false });
    expect(found[0].message).toContain(`Target role ${TARGET}`);
    expect(found[0].message).toContain('cannot be read from here (account 222233334444)');
    expect(found[0].message).toContain(`trusts ${PRIMARY} with sts:AssumeRole and sts:TagSession`);
  });

  it('reports a target role that was not looked up, and mentions the external id to check', () => {
    // Act
    const noFacts = unverified({}, association({ externalId: 'us-west-2/111122223333/eks-customer/default/default' }));
    const noPolicy = unverified({ targetRole: { exists: true } });
    // Assess
    expect(noFacts).toHaveLength(1);
    expect(noFacts[0].message).toContain('was not looked up');
    expect(noFacts[0].message).toContain('requires sts:ExternalId "us-west-2/111122223333/eks-customer/default/default"');
    expect(noPolicy).toHaveLength(1);
  });

  it('says nothing when the target trust policy was read', () => {
    // Act
    const read = unverified({ targetRole: { exists: true, readable: true, trustPolicy: targetRoleTrust() } });
    // A reader that flags the account unreadable but hands over the policy anyway: the policy wins.
    const contradictory = unverified({ targetRole: { readable: false, trustPolicy: JSON.stringify(targetRoleTrust()) } });
    // Assess
    expect(read).toEqual([]);
    expect(contradictory).toEqual([]);
  });

  it('leaves a missing target role to role-missing', () => {
    // Act
    const r = evaluate(podIdentityRoleTrust(), { association: association(), targetRole: { exists: false, readable: false } });
    // Assess
    expect(r.findings.filter((f) => f.ruleId === 'target-role-unverified')).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'role-missing')).toHaveLength(1);
  });

  it.each(FIXTURE_FILES)('says nothing for %s, which has no target role', (file) => {
    // Prepare
    const a = loadAssociation(file);
    // Act
    const found = unverified({ targetRole: { readable: false } }, a);
    // Assess
    expect(found).toEqual([]);
  });

  it('works in the China partition', () => {
    // Act
    const found = unverified(
      { targetRole: { readable: false } },
      association({ roleArn: 'arn:aws-cn:iam::111122223333:role/primary', targetRoleArn: 'arn:aws-cn:iam::222233334444:role/target' }),
    );
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('arn:aws-cn:iam::222233334444:role/target');
    expect(found[0].message).toContain('account 222233334444');
  });
});
