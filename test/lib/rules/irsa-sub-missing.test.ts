import { evaluate } from '../../../lib/engine';
import {
  ACCOUNT,
  check,
  CN_ROLE_ARN,
  CTX,
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

const ID = 'irsa-sub-missing';
const AUD = { [`${OIDC}:aud`]: 'sts.amazonaws.com' };

describe('irsa-sub-missing', () => {
  it.each([
    ['the EKS user guide condition', irsaCondition()],
    ['StringLike (wildcards are irsa-sub-wildcard\u2019s)', { StringEquals: AUD, StringLike: { [`${OIDC}:sub`]: 'system:serviceaccount:my-namespace:*' } }],
    ['StringEqualsIgnoreCase', { StringEquals: AUD, StringEqualsIgnoreCase: { [`${OIDC}:sub`]: SUBJECT } }],
    ['an upper-cased key and lower-cased operator', { stringequals: { [`${OIDC.toUpperCase()}:SUB`]: SUBJECT, ...AUD } }],
    ['a list of subjects', { StringEquals: { ...AUD, [`${OIDC}:sub`]: [SUBJECT, 'system:serviceaccount:other:app'] } }],
  ])('accepts %s', (_name, condition) => {
    // Prepare
    const policy = policyOf([irsa(condition)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports a statement without any condition, saying where, why and what to do', () => {
    const policy = policyOf([irsa(undefined, { extra: { Sid: 'Irsa' } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: 0, fixable: false });
    expect(findings[0].message).toContain('Statement 0 (Irsa)');
    expect(findings[0].message).toContain(`${OIDC}:sub`);
    expect(findings[0].message).toContain('Every service account in the cluster can assume this role');
    expect(findings[0].message).toContain(`"${OIDC}:sub": "system:serviceaccount:NAMESPACE:NAME"`);
  });

  it('reports a statement with only the aud condition', () => {
    expect(check(ID, policyOf([irsa({ StringEquals: AUD })]))).toHaveLength(1);
  });

  it.each([
    ['StringEqualsIfExists', 'passes when the claim is absent'],
    ['ForAllValues:StringEquals', 'passes when the claim is absent'],
    ['StringNotEquals', 'does not say which value is allowed'],
    ['StringNotLike', 'does not say which value is allowed'],
  ])('does not count %s as a pin', (operator, why) => {
    const policy = policyOf([irsa({ StringEquals: AUD, [operator]: { [`${OIDC}:sub`]: SUBJECT } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`its ${operator} condition on ${OIDC}:sub does not pin it: ${why}`);
  });

  it('applies to a China provider (aws-cn ARN, .amazonaws.com.cn issuer)', () => {
    const policy = policyOf(irsa({ StringEquals: { [`${OIDC_CN}:aud`]: 'sts.amazonaws.com' } }, { prefix: OIDC_CN, partition: 'aws-cn' }));

    const findings = check(ID, policy, { roleArn: CN_ROLE_ARN });

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`${OIDC_CN}:sub`);
    expect(check(ID, policyOf(irsa(irsaCondition(OIDC_CN), { prefix: OIDC_CN, partition: 'aws-cn' })), { roleArn: CN_ROLE_ARN })).toEqual([]);
  });

  it('applies to a GovCloud provider', () => {
    const policy = policyOf(irsa(undefined, { prefix: OIDC_GOV, partition: 'aws-us-gov' }));

    expect(check(ID, policy, { roleArn: GOV_ROLE_ARN })).toHaveLength(1);
  });

  it.each([
    ['a non-EKS OIDC provider', { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity' }],
    ['a Deny statement', { Effect: 'Deny', Principal: { Federated: providerArn(OIDC) }, Action: 'sts:AssumeRoleWithWebIdentity' }],
    ['an action that is not sts:AssumeRoleWithWebIdentity', { Effect: 'Allow', Principal: { Federated: providerArn(OIDC) }, Action: 'sts:TagSession' }],
  ])('ignores %s', (_name, statement) => {
    expect(check(ID, policyOf([statement]))).toEqual([]);
  });

  it('applies when the action is a wildcard (sts:*) or given as NotAction', () => {
    const wildcard = { Effect: 'Allow', Principal: { Federated: providerArn(OIDC) }, Action: 'sts:*' };
    const notAction = { Effect: 'Allow', Principal: { Federated: providerArn(OIDC) }, NotAction: 'sts:AssumeRole' };

    expect(check(ID, policyOf([wildcard, notAction])).map((f) => f.statement)).toEqual([0, 1]);
  });

  it('reports every provider of a multi-provider statement that has no :sub of its own', () => {
    const policy = policyOf({
      Effect: 'Allow',
      Principal: { Federated: [providerArn(OIDC), providerArn(OIDC_OTHER)] },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${OIDC}:sub`]: SUBJECT } },
    });

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`${OIDC_OTHER}:sub`);
    expect(findings[0].message).not.toContain(`${OIDC}:sub`);
  });

  // Decision: when the only :sub key names another provider, both irsa-sub-missing and
  // irsa-provider-mismatch are reported. The foreign key happens to block every token today
  // (a pinning condition on a claim the token lacks fails), but removing it, the obvious
  // clean-up of a "stale" key, would open the role to every service account in the cluster.
  it('reports a :sub key naming another provider as missing too, and says to rename it, not remove it', () => {
    const policy = policyOf([irsa({ StringEquals: { [`${OIDC_OTHER}:sub`]: SUBJECT, ...AUD } })]);

    const result = evaluate(policy, CTX);
    const ids = result.findings.map((f) => f.ruleId);

    expect(ids).toContain('irsa-sub-missing');
    expect(ids).toContain('irsa-provider-mismatch');
    const message = result.findings.find((f) => f.ruleId === ID)?.message ?? '';
    expect(message).toContain('names another OIDC provider, as irsa-provider-mismatch reports');
    expect(message).toContain('As written no token passes');
    expect(message).toContain('rename its key instead');
  });

  it('says the role is open when the foreign :sub key does not pin (IfExists)', () => {
    const policy = policyOf([irsa({ StringEquals: AUD, StringLikeIfExists: { [`${OIDC_OTHER}:sub`]: SUBJECT } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('Every service account in the cluster can assume this role');
  });

  it('is a high, unfixable finding through the engine', () => {
    const findings = findingsOf(policyOf([irsa({ StringEquals: AUD })]), ID);

    expect(findings).toEqual([expect.objectContaining({ ruleId: ID, severity: 'high', statement: 0, fixable: false })]);
  });

  it('reads a single-object Statement', () => {
    expect(check(ID, policyOf(irsa()))).toEqual([expect.objectContaining({ statement: 0 })]);
  });
});
