import { ACCOUNT, check, CTX, type Doc, expectFix, findingsOf, policyOf } from './eks-rule-support';

const ID = 'pod-identity-tag-session';
/** Keeps pod-identity-source-account quiet so that only this rule's fix applies. */
const SOURCE = { StringEquals: { 'aws:SourceAccount': ACCOUNT } };

function podIdentity(action: Doc, extra: Doc = {}, service: string | string[] = 'pods.eks.amazonaws.com'): Doc {
  return { ...extra, Effect: 'Allow', Principal: { Service: service }, ...action, Condition: SOURCE };
}

describe('pod-identity-tag-session check', () => {
  it.each([
    ['both actions', { Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    ['other spellings', { Action: ['STS:assumerole', 'sts:tagsession'] }],
    ['sts:* (wildcard-action reports that)', { Action: 'sts:*' }],
    ['sts:TagSession alone (nothing to assume)', { Action: 'sts:TagSession' }],
  ])('accepts %s', (_name, action) => {
    // Prepare
    const policy = policyOf([podIdentity(action)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports sts:AssumeRole without sts:TagSession, saying where and what to do', () => {
    const findings = check(ID, policyOf([podIdentity({ Action: 'sts:AssumeRole' }, { Sid: 'PodIdentity' })]));

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: 0, fixable: true });
    expect(findings[0].message).toContain('Statement 0 (PodIdentity)');
    expect(findings[0].message).toContain('EKS Pod Identity cannot issue credentials');
    expect(findings[0].message).toContain('Add sts:TagSession');
  });

  it('reports a NotAction statement but leaves its fix to wildcard-action', () => {
    const findings = check(ID, policyOf([podIdentity({ NotAction: 'sts:TagSession' })]));

    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(false);
  });

  it('ignores Deny statements and other services', () => {
    const policy = policyOf([
      { Effect: 'Deny', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);

    expect(check(ID, policy)).toEqual([]);
  });

  it('is a high finding through the engine', () => {
    expect(findingsOf(policyOf(podIdentity({ Action: 'sts:AssumeRole' })), ID)).toEqual([
      expect.objectContaining({ ruleId: ID, severity: 'high', statement: 0, fixable: true }),
    ]);
  });
});

describe('pod-identity-tag-session fix', () => {
  it('turns a single action into a list with sts:TagSession, keeping a single-object Statement', () => {
    const policy = policyOf(podIdentity({ Action: 'sts:AssumeRole' }));

    expectFix(ID, policy, CTX, policyOf(podIdentity({ Action: ['sts:AssumeRole', 'sts:TagSession'] })), [0]);
  });

  it('appends to an action list and leaves other statements untouched', () => {
    const node = { Sid: 'Node', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const policy = policyOf([node, podIdentity({ Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] })]);
    const expected = policyOf([node, podIdentity({ Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] })]);

    expectFix(ID, policy, CTX, expected, [1]);
  });

  it('fixes the China spelling of the service principal', () => {
    const policy = policyOf([podIdentity({ Action: 'sts:AssumeRole' }, {}, 'pods.eks.amazonaws.com.cn')]);
    const expected = policyOf([podIdentity({ Action: ['sts:AssumeRole', 'sts:TagSession'] }, {}, 'pods.eks.amazonaws.com.cn')]);

    expectFix(ID, policy, { roleArn: `arn:aws-cn:iam::${ACCOUNT}:role/app` }, expected, [0]);
  });
});
