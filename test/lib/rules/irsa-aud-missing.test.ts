import {
  check,
  CN_ROLE_ARN,
  CTX,
  expectFix,
  findingsOf,
  GOV_ROLE_ARN,
  irsa,
  irsaCondition,
  OIDC,
  OIDC_CN,
  OIDC_GOV,
  OIDC_OTHER,
  policyOf,
  providerArn,
  SUBJECT,
} from './eks-rule-support';

const ID = 'irsa-aud-missing';
const SUB = { [`${OIDC}:sub`]: SUBJECT };

describe('irsa-aud-missing check', () => {
  it.each([
    ['the EKS user guide condition', irsaCondition()],
    ['StringLike aud', { StringEquals: SUB, StringLike: { [`${OIDC}:aud`]: 'sts.amazonaws.com' } }],
    ['an upper-cased aud key', { StringEquals: { ...SUB, [`${OIDC.toUpperCase()}:AUD`]: 'sts.amazonaws.com' } }],
  ])('accepts %s', (_name, condition) => {
    // Prepare
    const policy = policyOf([irsa(condition)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports a missing aud condition, saying where, why and what the fix adds', () => {
    const findings = check(ID, policyOf([irsa({ StringEquals: SUB }, { extra: { Sid: 'Irsa' } })]));

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: 0, fixable: true });
    expect(findings[0].message).toContain('Statement 0 (Irsa)');
    expect(findings[0].message).toContain(`${OIDC}:aud`);
    expect(findings[0].message).toContain('any audience registered on the provider');
    expect(findings[0].message).toContain(`"StringEquals": {"${OIDC}:aud": "sts.amazonaws.com"}`);
  });

  it('does not count an IfExists aud condition', () => {
    expect(check(ID, policyOf([irsa({ StringEquals: SUB, StringEqualsIfExists: { [`${OIDC}:aud`]: 'sts.amazonaws.com' } })]))).toHaveLength(1);
  });

  it('does not fix a statement trusting several providers (the condition would fail the others\u2019 tokens)', () => {
    const policy = policyOf({
      Effect: 'Allow',
      Principal: { Federated: [providerArn(OIDC), providerArn(OIDC_OTHER)] },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { ...SUB, [`${OIDC_OTHER}:sub`]: SUBJECT } },
    });

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(false);
    expect(findings[0].message).toContain('split it into one statement per provider');
  });

  it('is a medium finding through the engine', () => {
    expect(findingsOf(policyOf(irsa({ StringEquals: SUB })), ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'medium' })]);
  });
});

describe('irsa-aud-missing fix', () => {
  it('adds the aud key to the existing StringEquals block', () => {
    const policy = policyOf([irsa({ StringEquals: SUB })]);
    const expected = policyOf([irsa({ StringEquals: { ...SUB, [`${OIDC}:aud`]: 'sts.amazonaws.com' } })]);

    expectFix(ID, policy, CTX, expected, [0]);
  });

  it('creates the Condition when there is none, keeping a single-object Statement', () => {
    const policy = policyOf(irsa());
    const expected = policyOf(irsa({ StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com' } }));

    // irsa-sub-missing still fires (not fixable): the fix resolves only the aud finding.
    expectFix(ID, policy, CTX, expected, [0]);
  });

  it('adds StringEquals next to an IfExists aud condition, which stays', () => {
    const condition = { StringEquals: SUB, StringEqualsIfExists: { [`${OIDC}:aud`]: 'sts.amazonaws.com' } };
    const expected = policyOf([irsa({ ...condition, StringEquals: { ...SUB, [`${OIDC}:aud`]: 'sts.amazonaws.com' } })]);

    expectFix(ID, policyOf([irsa(condition)]), CTX, expected, [0]);
  });

  it('writes the China provider\u2019s key with the sts.amazonaws.com audience EKS uses there', () => {
    const sub = { [`${OIDC_CN}:sub`]: SUBJECT };
    const options = { prefix: OIDC_CN, partition: 'aws-cn' };
    const policy = policyOf([irsa({ StringEquals: sub }, options)]);
    const expected = policyOf([irsa({ StringEquals: { ...sub, [`${OIDC_CN}:aud`]: 'sts.amazonaws.com' } }, options)]);

    expectFix(ID, policy, { roleArn: CN_ROLE_ARN }, expected, [0]);
  });

  it('fixes a GovCloud statement and leaves the compliant one untouched', () => {
    const options = { prefix: OIDC_GOV, partition: 'aws-us-gov' };
    const good = irsa(irsaCondition(OIDC_GOV), { ...options, extra: { Sid: 'Good' } });
    const sub = { [`${OIDC_GOV}:sub`]: SUBJECT };
    const policy = policyOf([good, irsa({ StringEquals: sub }, options)]);
    const expected = policyOf([good, irsa({ StringEquals: { ...sub, [`${OIDC_GOV}:aud`]: 'sts.amazonaws.com' } }, options)]);

    expectFix(ID, policy, { roleArn: GOV_ROLE_ARN }, expected, [1]);
  });
});
