import { isServiceAccountSubject } from '../../../lib/rules/irsa-sub-wildcard';
import { check, CN_ROLE_ARN, findingsOf, irsa, irsaCondition, OIDC, OIDC_CN, policyOf, SUBJECT } from './eks-rule-support';

const ID = 'irsa-sub-wildcard';
const SUB = `${OIDC}:sub`;
const AUD = { [`${OIDC}:aud`]: 'sts.amazonaws.com' };

describe('irsa-sub-wildcard', () => {
  it.each([
    ['the EKS user guide condition', irsaCondition()],
    ['StringLike without a wildcard', { StringEquals: AUD, StringLike: { [SUB]: SUBJECT } }],
    ['a service account name with dots', { StringEquals: { ...AUD, [SUB]: 'system:serviceaccount:kube-system:aws.load-balancer.controller' } }],
    ['several exact subjects', { StringEquals: { ...AUD, [SUB]: [SUBJECT, 'system:serviceaccount:other:app'] } }],
    ['StringEqualsIgnoreCase with upper-case letters', { StringEquals: AUD, StringEqualsIgnoreCase: { [SUB]: 'system:serviceaccount:My-Namespace:App' } }],
    ['an IfExists wildcard (irsa-sub-missing reports that one)', { StringEquals: AUD, StringLikeIfExists: { [SUB]: '*' } }],
  ])('accepts %s', (_name, condition) => {
    // Prepare
    const policy = policyOf([irsa(condition)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    ['a namespace-wide pattern', 'system:serviceaccount:my-namespace:*'],
    ['every service account', 'system:serviceaccount:*'],
    ['"*"', '*'],
    ['a single-character wildcard', 'system:serviceaccount:my-namespace:app-?'],
    ['a wildcard namespace', 'system:serviceaccount:*:my-service-account'],
  ])('reports StringLike with %s', (_name, value) => {
    const policy = policyOf([irsa({ StringEquals: AUD, StringLike: { [SUB]: value } }, { extra: { Sid: 'Irsa' } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: 0, fixable: false });
    expect(findings[0].message).toContain('Statement 0 (Irsa)');
    expect(findings[0].message).toContain(`StringLike "${value}" matches more than one service account`);
    expect(findings[0].message).toContain('Use StringEquals with the exact subject');
  });

  it.each([
    ['no name', 'system:serviceaccount:my-namespace'],
    ['an empty name', 'system:serviceaccount:my-namespace:'],
    ['an empty namespace', 'system:serviceaccount::app'],
    ['a bare name', 'my-service-account'],
    ['upper-case letters', 'system:serviceaccount:My-Namespace:App'],
    ['an extra segment', 'system:serviceaccount:ns:app:extra'],
    ['a "*" that StringEquals reads literally', 'system:serviceaccount:my-namespace:*'],
    ['a user, not a service account', 'system:node:ip-10-0-0-1'],
  ])('reports a value with %s', (_name, value) => {
    const policy = policyOf([irsa({ StringEquals: { ...AUD, [SUB]: [SUBJECT, value] } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`StringEquals "${value}" is not of the form system:serviceaccount:NAMESPACE:NAME`);
    expect(findings[0].message).not.toContain(`"${SUBJECT}"`);
  });

  it('names each loose key once and every loose value, in condition order, in one finding', () => {
    // Prepare: the key as written under two operators, and once more in another spelling.
    const upper = `${OIDC.toUpperCase()}:sub`;
    const policy = policyOf([
      irsa({ StringLike: { [SUB]: ['*', SUBJECT, 'system:serviceaccount:ns:app-?'] }, StringEquals: { ...AUD, [SUB]: 'bad' }, StringEqualsIgnoreCase: { [upper]: 'SYSTEM:SERVICEACCOUNT:NS:*' } }),
    ]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      `pins ${SUB}, ${upper} loosely: ` +
        'StringLike "*" matches more than one service account; ' +
        'StringLike "system:serviceaccount:ns:app-?" matches more than one service account; ' +
        'StringEquals "bad" is not of the form system:serviceaccount:NAMESPACE:NAME; ' +
        'StringEqualsIgnoreCase "SYSTEM:SERVICEACCOUNT:NS:*" is not of the form system:serviceaccount:NAMESPACE:NAME. ',
    );
  });

  it('judges a China provider\u2019s :sub condition', () => {
    const policy = policyOf(
      irsa({ StringEquals: { [`${OIDC_CN}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${OIDC_CN}:sub`]: 'system:serviceaccount:*' } }, { prefix: OIDC_CN, partition: 'aws-cn' }),
    );

    const findings = check(ID, policy, { roleArn: CN_ROLE_ARN });

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`${OIDC_CN}:sub`);
  });

  it('is a high, unfixable finding through the engine', () => {
    const policy = policyOf(irsa({ StringEquals: AUD, StringLike: { [SUB]: 'system:serviceaccount:*' } }));

    expect(findingsOf(policy, ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'high', statement: 0, fixable: false })]);
  });
});

describe('isServiceAccountSubject', () => {
  it.each([
    [SUBJECT, true],
    ['system:serviceaccount:a:b', true],
    [`system:serviceaccount:${'n'.repeat(63)}:b`, true],
    [`system:serviceaccount:${'n'.repeat(64)}:b`, false],
    ['system:serviceaccount:-ns:b', false],
    ['system:serviceaccount:ns:b-', false],
    ['system:serviceaccount:n.s:b', false],
  ])('%s: %s', (value, expected) => {
    expect(isServiceAccountSubject(value)).toBe(expected);
  });
});
