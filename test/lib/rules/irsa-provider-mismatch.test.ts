import { evaluate } from '../../../lib/engine';
import { ACCOUNT, check, CN_ROLE_ARN, CTX, findingsOf, irsa, irsaCondition, OIDC, OIDC_CN, OIDC_OTHER, policyOf, providerArn, SUBJECT } from './eks-rule-support';

const ID = 'irsa-provider-mismatch';
const AUD = { [`${OIDC}:aud`]: 'sts.amazonaws.com' };

describe('irsa-provider-mismatch', () => {
  it.each([
    ['the EKS user guide condition', irsaCondition()],
    ['an upper-cased key prefix', { StringEquals: { [`${OIDC.toUpperCase()}:sub`]: SUBJECT, ...AUD } }],
    ['keys that are not OIDC claims', { StringEquals: { ...irsaCondition().StringEquals as object, 'aws:RequestTag/team:sub': 'x', 'saml:aud': 'y' } }],
  ])('accepts %s', (_name, condition) => {
    // Prepare
    const policy = policyOf([irsa(condition)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports a :sub key of another cluster\u2019s provider, saying where, what and what to do', () => {
    const policy = policyOf([irsa({ StringEquals: { ...AUD, [`${OIDC_OTHER}:sub`]: SUBJECT } }, { extra: { Sid: 'Copied' } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: 0, fixable: false });
    expect(findings[0].message).toContain('Statement 0 (Copied)');
    expect(findings[0].message).toContain(`"${OIDC_OTHER}:sub"`);
    expect(findings[0].message).toContain(`trusts the OIDC provider ${OIDC}`);
    expect(findings[0].message).toContain(`Rename the key to ${OIDC}:sub / ${OIDC}:aud`);
  });

  it('lists every foreign key in one finding per statement', () => {
    const policy = policyOf([irsa({ StringEquals: { [`${OIDC_OTHER}:aud`]: 'sts.amazonaws.com', [`${OIDC_OTHER}:sub`]: SUBJECT } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`"${OIDC_OTHER}:aud", "${OIDC_OTHER}:sub"`);
  });

  it('reports a foreign key under any operator, IfExists included', () => {
    const policy = policyOf([irsa({ ...irsaCondition(), StringLikeIfExists: { [`${OIDC_OTHER}:sub`]: '*' } })]);

    expect(check(ID, policy)).toHaveLength(1);
  });

  it('reports a key of a non-EKS provider (GitHub Actions)', () => {
    const policy = policyOf([irsa({ ...irsaCondition(), StringEquals: { ...(irsaCondition().StringEquals as object), 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main' } })]);

    expect(check(ID, policy)).toHaveLength(1);
  });

  it('accepts keys of any of the providers a multi-provider statement trusts', () => {
    const github = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const policy = policyOf({
      Effect: 'Allow',
      Principal: { Federated: [providerArn(OIDC), providerArn(OIDC_OTHER), github] },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${OIDC}:sub`]: SUBJECT, [`${OIDC_OTHER}:sub`]: SUBJECT, 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
    });

    expect(check(ID, policy)).toEqual([]);
  });

  it('names every provider of a multi-provider statement, and each foreign key once', () => {
    // Prepare: a key of a third provider, under two operators.
    const third = 'oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210';
    const policy = policyOf({
      Effect: 'Allow',
      Principal: { Federated: [providerArn(OIDC), providerArn(OIDC_OTHER)] },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${third}:sub`]: SUBJECT, [`${third}:aud`]: 'sts.amazonaws.com' }, StringLikeIfExists: { [`${third}:sub`]: '*' } },
    });

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`trusts the OIDC provider ${OIDC}, ${OIDC_OTHER} but its condition keys "${third}:sub", "${third}:aud" name another provider`);
    expect(findings[0].message).toContain('Rename the keys to the matching PROVIDER:sub / PROVIDER:aud after checking');
  });

  it('tells the China issuer (.amazonaws.com.cn) from its global look-alike', () => {
    const lookAlike = OIDC_CN.replace('.amazonaws.com.cn', '.amazonaws.com');
    const options = { prefix: OIDC_CN, partition: 'aws-cn' };

    const good = check(ID, policyOf(irsa(irsaCondition(OIDC_CN), options)), { roleArn: CN_ROLE_ARN });
    const bad = check(ID, policyOf(irsa(irsaCondition(lookAlike), options)), { roleArn: CN_ROLE_ARN });

    expect(good).toEqual([]);
    expect(bad).toHaveLength(1);
    expect(bad[0].message).toContain(`"${lookAlike}:aud", "${lookAlike}:sub"`);
  });

  it('is a medium, unfixable finding through the engine', () => {
    const policy = policyOf(irsa({ StringEquals: { ...AUD, [`${OIDC}:sub`]: SUBJECT, [`${OIDC_OTHER}:sub`]: SUBJECT } }));

    expect(findingsOf(policy, ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'medium', fixable: false })]);
    expect(evaluate(policy, CTX).fixedPolicy).toBeNull();
  });
});
