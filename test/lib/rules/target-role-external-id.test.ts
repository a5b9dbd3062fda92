import { evaluate } from '../../../lib/engine';
import type { PodIdentityAssociation, PolicyDocument } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/target-role-external-id';
import { clone, FIXTURE_FILES, loadAssociation, podIdentityRoleTrust, targetRoleTrust, targetRoleTrustWithExternalId } from '../../support/pod-identity-fixtures';

const PRIMARY = 'arn:aws:iam::111122223333:role/eks-pod-identity-primary-role';
const TARGET = 'arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources';
// The form the EKS user guide gives: region/account/cluster/namespace/service-account.
const EXT = 'us-west-2/111122223333/eks-customer/default/default';

function association(extra: Partial<PodIdentityAssociation> = {}): PodIdentityAssociation {
  return { ...loadAssociation(FIXTURE_FILES[0]), roleArn: PRIMARY, targetRoleArn: TARGET, externalId: EXT, ...extra };
}

function run(target: unknown, a: PodIdentityAssociation = association()) {
  const r = evaluate(podIdentityRoleTrust(), { roleArn: a.roleArn, association: a, targetRole: { exists: true, trustPolicy: target } });
  return { r, found: r.findings.filter((f) => f.ruleId === 'target-role-external-id') };
}

const tagSessionStatement = { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:TagSession' };

describe('target-role-external-id', () => {
  it('is a medium-severity target-role rule with a fix', () => {
    // Assess
    expect(rule.id).toBe('target-role-external-id');
    expect(rule.severity).toBe('medium');
    expect(rule.scope).toBe('target-role');
    expect(typeof rule.fix).toBe('function');
  });

  it('accepts the EKS user guide ExternalId trust policy (ExternalId on the AssumeRole statement only)', () => {
    // Act
    const { r, found } = run(targetRoleTrustWithExternalId(EXT));
    // Assess
    expect(found).toEqual([]);
    expect(r.fixedTargetPolicy).toBeNull();
  });

  it('says nothing when EKS reported no external id', () => {
    // Act
    const { found } = run(targetRoleTrust(), association({ externalId: undefined }));
    // Assess
    expect(found).toEqual([]);
  });

  it('says nothing when the association has no target role', () => {
    // Act
    const { found } = run(targetRoleTrust(), association({ targetRoleArn: undefined }));
    // Assess
    expect(found).toEqual([]);
  });

  it('adds the ExternalId to the AssumeRole statement of the user guide policy, not to the TagSession one', () => {
    // Prepare
    const input = targetRoleTrust();
    const before = clone(input);
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'medium', subject: 'target-role', statement: 0, fixable: true });
    expect(found[0].message).toContain(`Target role ${TARGET}: statement 0 trusts ${PRIMARY} for sts:AssumeRole without requiring the sts:ExternalId "${EXT}"`);
    expect(found[0].message).toContain('service account default/default');
    expect(found[0].message).toContain(`Add StringEquals sts:ExternalId = "${EXT}"`);
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXT } } },
        tagSessionStatement,
      ],
    });
    expect(r.fixedTargetRuleIds).toContain('target-role-external-id');
    expect(input).toEqual(before);
    const again = run(r.fixedTargetPolicy);
    expect(again.found).toEqual([]);
    expect(again.r.fixedTargetPolicy).toBeNull();
  });

  it('adds it to a combined AssumeRole + TagSession statement, keeping other conditions', () => {
    // Prepare
    const input: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Primary',
          Effect: 'Allow',
          Principal: { AWS: PRIMARY },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        },
      ],
    };
    const before = clone(input);
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Primary',
          Effect: 'Allow',
          Principal: { AWS: PRIMARY },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'sts:ExternalId': EXT } },
        },
      ],
    });
    expect(input).toEqual(before);
    expect(run(r.fixedTargetPolicy).r.fixedTargetPolicy).toBeNull();
  });

  it('does not count StringEqualsIfExists or a StringLike pattern as pinning, and adds StringEquals beside them', () => {
    // Prepare
    const input: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:AssumeRole', Condition: { StringEqualsIfExists: { 'sts:ExternalId': EXT } } },
        { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:AssumeRole', Condition: { StringLike: { 'sts:ExternalId': 'us-west-2/*' } } },
        tagSessionStatement,
      ],
    };
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found.map((f) => [f.statement, f.fixable])).toEqual([
      [0, true],
      [1, true],
    ]);
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: PRIMARY },
          Action: 'sts:AssumeRole',
          Condition: { StringEqualsIfExists: { 'sts:ExternalId': EXT }, StringEquals: { 'sts:ExternalId': EXT } },
        },
        {
          Effect: 'Allow',
          Principal: { AWS: PRIMARY },
          Action: 'sts:AssumeRole',
          Condition: { StringLike: { 'sts:ExternalId': 'us-west-2/*' }, StringEquals: { 'sts:ExternalId': EXT } },
        },
        tagSessionStatement,
      ],
    });
    expect(run(r.fixedTargetPolicy).r.fixedTargetPolicy).toBeNull();
  });

  it('accepts a list of external ids that includes the association one, and case-insensitive spellings', () => {
    // Prepare
    const doc = (condition: object) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: condition }],
    });
    // Act + Assess
    expect(run(doc({ StringEquals: { 'sts:ExternalId': ['eu-west-1/111122223333/other/ns/sa', EXT] } })).found).toEqual([]);
    expect(run(doc({ stringequals: { 'STS:EXTERNALID': EXT } })).found).toEqual([]);
  });

  it('reports a different pinned external id as unfixable (the assume fails)', () => {
    // Prepare: the user guide policy with its placeholder external id left in.
    const input = targetRoleTrustWithExternalId();
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ statement: 0, fixable: false });
    expect(found[0].message).toContain(`EKS Pod Identity cannot assume target role ${TARGET} through statement 0`);
    expect(found[0].message).toContain('StringEquals sts:ExternalId "region/111122223333/cluster-name/namespace/service-account-name"');
    expect(found[0].message).toContain(`EKS passes sts:ExternalId "${EXT}"`);
    expect(r.fixedTargetPolicy).toBeNull();
  });

  it('does not fix a statement that trusts the whole account, "*" or other principals too', () => {
    // Prepare
    const input: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: [PRIMARY, 'arn:aws:iam::111122223333:role/ci'] }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } },
        tagSessionStatement,
      ],
    };
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found.map((f) => [f.statement, f.fixable])).toEqual([
      [0, false],
      [1, false],
      [2, false],
    ]);
    expect(found[0].message).toContain("whole account 111122223333");
    expect(found[2].message).toContain('trusts "*"');
    expect(found[1].message).toContain('would also constrain its other principals');
    expect(r.fixedTargetPolicy).toBeNull();
  });

  it('fixes alongside target-role-trust: sts:TagSession and the ExternalId on the same statement', () => {
    // Prepare
    const input = { Version: '2012-10-17', Statement: [{ Sid: 'Primary', Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:AssumeRole' }] };
    const before = clone(input);
    // Act
    const { r } = run(input);
    // Assess
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Primary',
          Effect: 'Allow',
          Principal: { AWS: PRIMARY },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { StringEquals: { 'sts:ExternalId': EXT } },
        },
      ],
    });
    expect(r.fixedTargetRuleIds).toEqual(expect.arrayContaining(['target-role-external-id', 'target-role-trust']));
    expect(input).toEqual(before);
    const again = run(r.fixedTargetPolicy);
    expect(again.r.findings.filter((f) => f.subject === 'target-role')).toEqual([]);
    expect(again.r.fixedTargetPolicy).toBeNull();
  });

  it('works in the China partition', () => {
    // Prepare
    const cnPrimary = 'arn:aws-cn:iam::111122223333:role/eks-pod-identity-primary-role';
    const a = association({ roleArn: cnPrimary, targetRoleArn: 'arn:aws-cn:iam::222233334444:role/target', externalId: 'cn-north-1/111122223333/c/ns/sa' });
    // Act
    const { r, found } = run(targetRoleTrust(cnPrimary), a);
    // Assess
    expect(found).toHaveLength(1);
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: cnPrimary }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'cn-north-1/111122223333/c/ns/sa' } } },
        { Effect: 'Allow', Principal: { AWS: cnPrimary }, Action: 'sts:TagSession' },
      ],
    });
    expect(run(r.fixedTargetPolicy, a).r.fixedTargetPolicy).toBeNull();
  });
});
