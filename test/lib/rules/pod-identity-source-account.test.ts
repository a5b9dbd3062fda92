import { evaluate } from '../../../lib/engine';
import { ACCOUNT, check, CN_ROLE_ARN, CTX, type Doc, expectFix, findingsOf, OTHER_ACCOUNT, policyOf } from './eks-rule-support';

const ID = 'pod-identity-source-account';

function podIdentity(condition?: Doc, extra: Doc = {}, service = 'pods.eks.amazonaws.com'): Doc {
  return {
    ...extra,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    ...(condition ? { Condition: condition } : {}),
  };
}

describe('pod-identity-source-account check', () => {
  it.each([
    ['aws:SourceAccount = the role account', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }],
    ['aws:SourceAccount as a one-element list, other spelling', { stringequals: { 'AWS:SOURCEACCOUNT': [ACCOUNT] } }],
    ['aws:SourceOrgID', { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' } }],
    ['aws:SourceArn in the role account', { ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/my-cluster` } }],
    ['aws:RequestTag/eks-cluster-arn', { ArnEquals: { 'aws:RequestTag/eks-cluster-arn': `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/my-cluster` } }],
    ['aws:RequestTag/eks-cluster-name', { StringEquals: { 'aws:RequestTag/eks-cluster-name': 'my-cluster' } }],
  ])('accepts %s', (_name, condition) => {
    // Prepare
    const policy = policyOf([podIdentity(condition)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    ['another account', { StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } }],
    ['the role account and another', { StringEquals: { 'aws:SourceAccount': [ACCOUNT, OTHER_ACCOUNT] } }],
    ['IfExists', { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } }],
    ['a wildcard org id', { StringLike: { 'aws:SourceOrgID': '*' } }],
    ['aws:SourceArn in another account', { ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${OTHER_ACCOUNT}:cluster/*` } }],
    ['a wildcard cluster name', { StringLike: { 'aws:RequestTag/eks-cluster-name': '*' } }],
    ['a namespace tag only', { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'apps' } }],
  ])('reports a statement pinned by %s only', (_name, condition) => {
    const findings = check(ID, policyOf([podIdentity(condition)]));

    expect(findings).toHaveLength(1);
    expect(findings[0].statement).toBe(0);
  });

  it('says where, what, why and what the fix adds', () => {
    const findings = check(ID, policyOf([podIdentity(undefined, { Sid: 'AllowEksAuthToAssumeRoleForPodIdentity' })]));

    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(true);
    expect(findings[0].message).toContain('Statement 0 (AllowEksAuthToAssumeRoleForPodIdentity)');
    expect(findings[0].message).toContain('confused-deputy');
    expect(findings[0].message).toContain(`The automatic fix adds "StringEquals": {"aws:SourceAccount": "${ACCOUNT}"}`);
  });

  it('does not fix a StringEquals aws:SourceAccount naming only another account (replacing it is no narrowing)', () => {
    const findings = check(ID, policyOf([podIdentity({ StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } })]));

    expect(findings[0].fixable).toBe(false);
    expect(findings[0].message).toContain('by hand');
    expect(findings[0].message).toContain(OTHER_ACCOUNT);
  });

  it('with the role account unknown, accepts a literal account it cannot compare and reports a missing one without a fix', () => {
    const pinned = check(ID, policyOf([podIdentity({ StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } })]), {});
    const open = check(ID, policyOf([podIdentity()]), {});

    expect(pinned).toEqual([]);
    expect(open).toHaveLength(1);
    expect(open[0].fixable).toBe(false);
    expect(open[0].message).toContain("account is unknown");
    expect(open[0].message).toContain('--account');
  });

  it('ignores Deny statements and other services', () => {
    const policy = policyOf([
      { Effect: 'Deny', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);

    expect(check(ID, policy)).toEqual([]);
  });

  it('is a low finding through the engine', () => {
    expect(findingsOf(policyOf(podIdentity()), ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'low', statement: 0 })]);
  });
});

describe('pod-identity-source-account fix', () => {
  it('adds StringEquals aws:SourceAccount, keeping a single-object Statement', () => {
    const expected = policyOf(podIdentity({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }));

    expectFix(ID, policyOf(podIdentity()), CTX, expected, [0]);
  });

  it('adds the key to an existing StringEquals block', () => {
    const tags = { 'aws:RequestTag/kubernetes-namespace': 'apps' };
    const expected = policyOf([podIdentity({ StringEquals: { ...tags, 'aws:SourceAccount': ACCOUNT } })]);

    expectFix(ID, policyOf([podIdentity({ StringEquals: tags })]), CTX, expected, [0]);
  });

  it('narrows a list that includes the role account to the role account', () => {
    const policy = policyOf([podIdentity({ StringEquals: { 'aws:SourceAccount': [OTHER_ACCOUNT, ACCOUNT] } })]);

    expectFix(ID, policy, CTX, policyOf([podIdentity({ StringEquals: { 'aws:SourceAccount': ACCOUNT } })]), [0]);
  });

  it('adds the pin next to an IfExists condition, which stays', () => {
    const condition = { StringEqualsIfExists: { 'aws:SourceAccount': OTHER_ACCOUNT } };
    const expected = policyOf([podIdentity({ ...condition, StringEquals: { 'aws:SourceAccount': ACCOUNT } })]);

    expectFix(ID, policyOf([podIdentity(condition)]), CTX, expected, [0]);
  });

  it('fixes only the statement that needs it (China spelling of the service)', () => {
    const good = podIdentity({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }, { Sid: 'Good' });
    const policy = policyOf([good, podIdentity(undefined, { Sid: 'Cn' }, 'pods.eks.amazonaws.com.cn')]);
    const expected = policyOf([good, podIdentity({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }, { Sid: 'Cn' }, 'pods.eks.amazonaws.com.cn')]);

    expectFix(ID, policy, { roleArn: CN_ROLE_ARN }, expected, [1]);
  });

  it('is applied together with pod-identity-tag-session, and the result is stable', () => {
    const policy = policyOf({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' });
    const expected = policyOf({
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });

    const first = evaluate(policy, CTX);
    const second = evaluate(first.fixedPolicy, CTX);

    expect(first.fixedPolicy).toEqual(expected);
    expect(first.fixedRuleIds).toEqual(expect.arrayContaining(['pod-identity-tag-session', ID]));
    expect(second.fixedPolicy).toBeNull();
    expect(second.findings).toEqual([]);
  });
});
