import { evaluate } from '../../../lib/engine';
import type { EvaluationContext, PodIdentityAssociation, PolicyDocument } from '../../../lib/policy/types';
import { rule } from '../../../lib/rules/target-role-trust';
import { clone, FIXTURE_FILES, loadAssociation, podIdentityRoleTrust, targetRoleTrust, targetRoleTrustWithExternalId } from '../../support/pod-identity-fixtures';

const PRIMARY = 'arn:aws:iam::111122223333:role/eks-pod-identity-primary-role';
const TARGET = 'arn:aws:iam::222233334444:role/eks-pod-identity-aws-resources';

/** The EKS API fixture's association, pointed at the user guide's roles (cross-account target). */
function crossAccount(extra: Partial<PodIdentityAssociation> = {}): PodIdentityAssociation {
  return { ...loadAssociation(FIXTURE_FILES[0]), roleArn: PRIMARY, targetRoleArn: TARGET, ...extra };
}

function run(target: unknown, association: PodIdentityAssociation = crossAccount(), extra: EvaluationContext = {}) {
  const r = evaluate(podIdentityRoleTrust(), { roleArn: association.roleArn, association, targetRole: { exists: true, trustPolicy: target }, ...extra });
  return { r, found: r.findings.filter((f) => f.ruleId === 'target-role-trust') };
}

const assumeOnly = (principal: unknown = { AWS: PRIMARY }): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
});

describe('target-role-trust', () => {
  it('is a high-severity target-role rule with a fix', () => {
    // Assess
    expect(rule.id).toBe('target-role-trust');
    expect(rule.severity).toBe('high');
    expect(rule.scope).toBe('target-role');
    expect(typeof rule.fix).toBe('function');
  });

  it('accepts the EKS user guide target role trust policy (cross-account)', () => {
    // Act
    const { r, found } = run(targetRoleTrust());
    // Assess
    expect(found).toEqual([]);
    expect(r.fixedTargetPolicy).toBeNull();
  });

  it('accepts the user guide ExternalId variant and a URL-encoded copy as IAM returns it', () => {
    // Act
    const plain = run(targetRoleTrustWithExternalId());
    const encoded = run(encodeURIComponent(JSON.stringify(targetRoleTrust())));
    // Assess
    expect(plain.found).toEqual([]);
    expect(encoded.found).toEqual([]);
  });

  it('reports nothing when the association has no target role', () => {
    // Prepare
    const association = loadAssociation(FIXTURE_FILES[1]);
    // Act
    const { r, found } = run(assumeOnly({ AWS: 'arn:aws:iam::999999999999:role/other' }), association);
    // Assess
    expect(found).toEqual([]);
    expect(r.findings.filter((f) => f.subject === 'target-role')).toEqual([]);
  });

  it('adds sts:TagSession to the statement that trusts the role with sts:AssumeRole', () => {
    // Prepare: the user guide policy without its sts:TagSession statement.
    const input = assumeOnly();
    const before = clone(input);
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'high', subject: 'target-role', statement: 0, fixable: true });
    expect(found[0].message).toContain(`EKS Pod Identity cannot assume target role ${TARGET} from ${PRIMARY}`);
    expect(found[0].message).toContain('sts:TagSession');
    expect(found[0].message).toContain('Add sts:TagSession to statement 0');
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    });
    expect(r.fixedTargetRuleIds).toContain('target-role-trust');
    expect(input).toEqual(before);
    // Idempotent: the fixed target policy has nothing left to fix.
    const again = run(r.fixedTargetPolicy);
    expect(again.found).toEqual([]);
    expect(again.r.fixedTargetPolicy).toBeNull();
  });

  it('leaves other statements alone and picks the statement trusting the role by ARN', () => {
    // Prepare
    const input: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Sid: 'Account', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
        { Sid: 'Primary', Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: ['sts:AssumeRole'], Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
      ],
    };
    const before = clone(input);
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].statement).toBe(2);
    expect(found[0].message).toContain('statement 2 (Primary)');
    expect(r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Sid: 'Account', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
        { Sid: 'Primary', Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
      ],
    });
    expect(input).toEqual(before);
  });

  it('does not fix a role trusted for sts:AssumeRole only through its account', () => {
    // Act
    const root = run(assumeOnly({ AWS: 'arn:aws:iam::111122223333:root' }));
    const bare = run(assumeOnly({ AWS: '111122223333' }));
    // Assess
    for (const { r, found } of [root, bare]) {
      expect(found).toHaveLength(1);
      expect(found[0].fixable).toBe(false);
      expect(found[0].message).toContain('not done automatically');
      expect(r.fixedTargetPolicy).toBeNull();
    }
  });

  it('counts the role account root and "*" as trusting the role (the chained assume works)', () => {
    // Prepare
    const both = (principal: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
    // Act + Assess
    expect(run(both({ AWS: 'arn:aws:iam::111122223333:root' })).found).toEqual([]);
    expect(run(both({ AWS: '111122223333' })).found).toEqual([]);
    expect(run(both('*')).found).toEqual([]);
    expect(run(both({ AWS: ['arn:aws:iam::444455556666:root', '*'] })).found).toEqual([]);
  });

  it('does not count another account, another role or a pinned aws:PrincipalArn that excludes the role', () => {
    // Prepare
    const both = (principal: unknown, condition?: object) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:TagSession'], ...(condition ? { Condition: condition } : {}) }],
    });
    // Act
    const cases = [
      run(both({ AWS: 'arn:aws:iam::444455556666:root' })),
      run(both({ AWS: 'arn:aws:iam::111122223333:role/another-role' })),
      run(both({ AWS: '111122223333' }, { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/another-role' } })),
      run(both('*', { StringEquals: { 'aws:PrincipalAccount': '444455556666' } })),
    ];
    // Assess
    for (const { found, r } of cases) {
      expect(found).toHaveLength(1);
      expect(found[0].fixable).toBe(false);
      expect(found[0].message).toContain('no Allow statement trusts it (by role ARN, its account or "*") with sts:AssumeRole');
      expect(r.fixedTargetPolicy).toBeNull();
    }
  });

  it('accepts a pinned aws:PrincipalArn that matches the role', () => {
    // Prepare
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/eks-pod-identity-*' } },
        },
      ],
    };
    // Act + Assess
    expect(run(doc).found).toEqual([]);
  });

  it('does not add sts:AssumeRole to a role trusted only for sts:TagSession', () => {
    // Prepare: the user guide policy without its sts:AssumeRole statement.
    const input = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:TagSession' }] };
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ fixable: false, statement: 0 });
    expect(found[0].message).toContain('with sts:AssumeRole');
    expect(r.fixedTargetPolicy).toBeNull();
  });

  it('reports an unconditional Deny and does not fix around it', () => {
    // Prepare
    const input = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: PRIMARY }, Action: 'sts:AssumeRole' },
        { Sid: 'NoTags', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:TagSession' },
      ],
    };
    // Act
    const { r, found } = run(input);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0].fixable).toBe(false);
    expect(found[0].message).toContain('statement 1 (NoTags) denies it sts:TagSession outright');
    expect(r.fixedTargetPolicy).toBeNull();
  });

  it('does not require sts:TagSession when the association disables session tags', () => {
    // Act
    const { found } = run(assumeOnly(), crossAccount({ disableSessionTags: true }));
    // Assess
    expect(found).toEqual([]);
  });

  it('matches the role by name whatever its path or case', () => {
    // Prepare
    const withPath = 'arn:aws:iam::111122223333:role/team/eks-pod-identity-primary-role';
    // Act
    const pathInBoth = run(targetRoleTrust(withPath), crossAccount({ roleArn: withPath }));
    const caseOnly = run(targetRoleTrust('arn:aws:iam::111122223333:role/EKS-Pod-Identity-Primary-Role'));
    // Assess
    expect(pathInBoth.found).toEqual([]);
    expect(caseOnly.found).toEqual([]);
  });

  it('works in the China partition (and a principal in another partition does not count)', () => {
    // Prepare
    const cnPrimary = 'arn:aws-cn:iam::111122223333:role/eks-pod-identity-primary-role';
    const association = crossAccount({ roleArn: cnPrimary, targetRoleArn: 'arn:aws-cn:iam::222233334444:role/target' });
    const input = assumeOnly({ AWS: cnPrimary });
    // Act
    const fixed = run(input, association);
    const wrongPartition = run(targetRoleTrust(PRIMARY), association);
    // Assess
    expect(fixed.found[0].fixable).toBe(true);
    expect(fixed.r.fixedTargetPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: cnPrimary }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    });
    expect(run(fixed.r.fixedTargetPolicy, association).r.fixedTargetPolicy).toBeNull();
    expect(wrongPartition.found).toHaveLength(1);
    expect(wrongPartition.found[0].fixable).toBe(false);
  });

  it('reports nothing itself when the target policy is unknown', () => {
    // Prepare
    const association = crossAccount();
    // Act
    const r = evaluate(podIdentityRoleTrust(), { association, targetRole: { exists: true, readable: false } });
    // Assess
    expect(r.findings.filter((f) => f.ruleId === 'target-role-trust')).toEqual([]);
    expect(r.fixedTargetPolicy).toBeUndefined();
  });

  it('does not fix a service-linked evaluation context', () => {
    // Act
    const { r, found } = run(assumeOnly(), crossAccount(), { rolePath: '/aws-service-role/' });
    // Assess
    expect(found[0].fixable).toBe(false);
    expect(r.fixedTargetPolicy ?? null).toBeNull();
  });
});
