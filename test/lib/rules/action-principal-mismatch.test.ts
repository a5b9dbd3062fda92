import { evaluate } from '../../../lib/engine';
import { rule } from '../../../lib/rules/action-principal-mismatch';
import { check, doc, findingsOf, IRSA_CONDITION, OIDC_PREFIX, OIDC_PROVIDER, OWN, ROLE_ARN } from './generic-trust-support';

const ctx = { roleArn: ROLE_ARN };
const ADMIN = `arn:aws:iam::${OWN}:role/admin`;
const SAML = `arn:aws:iam::${OWN}:saml-provider/corp`;
const CHINA_OIDC = `arn:aws-cn:iam::${OWN}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

function allow(principal: unknown, action: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Allow', Principal: principal, Action: action, ...extra };
}

describe('action-principal-mismatch', () => {
  it('declares the id, severity and scope of spec/RULES.md', () => {
    // Assess
    expect(rule.id).toBe('action-principal-mismatch');
    expect(rule.severity).toBe('medium');
    expect(rule.scope).toBe('trust-policy');
    expect(rule.fix).toBeUndefined();
    expect(rule.summary).toMatch(/sts:AssumeRole/);
  });

  describe('finds', () => {
    it('sts:AssumeRole with only an OIDC provider, naming both halves', () => {
      // Prepare
      const policy = doc([
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        allow({ Federated: OIDC_PROVIDER }, 'sts:AssumeRole', { Sid: 'Irsa', Condition: IRSA_CONDITION }),
      ]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      const fs = findingsOf(r, 'action-principal-mismatch');
      expect(fs).toHaveLength(1);
      expect(fs[0]).toMatchObject({ severity: 'medium', statement: 1, fixable: false });
      expect(fs[0].message).toMatch(/^Statement 1 \(Irsa\)/);
      expect(fs[0].message).toMatch(/sts:AssumeRole cannot be called by any of its principals \(it needs an AWS or Service principal\)/);
      expect(fs[0].message).toContain(`${OIDC_PROVIDER} can use none of its actions`);
      expect(fs[0].message).toMatch(/sts:AssumeRoleWithWebIdentity/);
    });

    it.each([
      ['sts:AssumeRoleWithWebIdentity with a Service', { Service: 'ec2.amazonaws.com' }, 'sts:AssumeRoleWithWebIdentity', /sts:AssumeRoleWithWebIdentity cannot be called/],
      ['sts:AssumeRoleWithSAML with an AWS account', { AWS: OWN }, 'sts:AssumeRoleWithSAML', /sts:AssumeRoleWithSAML cannot be called/],
      ['sts:AssumeRoleWithWebIdentity with a SAML provider', { Federated: SAML }, ['sts:AssumeRoleWithWebIdentity'], /needs a Federated OIDC or web identity provider/],
      ['sts:AssumeRoleWithSAML with an OIDC provider', { Federated: OIDC_PROVIDER }, 'sts:AssumeRoleWithSAML', /needs a Federated SAML provider/],
      ['an upper-case STS:ASSUMEROLE with Cognito', { Federated: 'cognito-identity.amazonaws.com' }, 'STS:ASSUMEROLE', /sts:AssumeRole cannot be called/],
      ['sts:AssumeRole with a China EKS OIDC provider', { Federated: CHINA_OIDC }, 'sts:AssumeRole', /sts:AssumeRole cannot be called/],
      ['sts:AssumeRoleWithWebIdentity with a GovCloud role', { AWS: `arn:aws-us-gov:iam::${OWN}:role/x` }, 'sts:AssumeRoleWithWebIdentity', /cannot be called/],
    ])('%s', (_label, principal, action, why) => {
      // Prepare
      const policy = doc(allow(principal, action));
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([expect.objectContaining({ statement: 0, fixable: false })]);
      expect(fs[0].message).toMatch(why);
    });

    it('only the assume action nobody can call when a companion action is usable', () => {
      // Prepare
      const policy = doc([allow({ Federated: OIDC_PROVIDER }, ['sts:AssumeRole', 'sts:TagSession'], { Condition: IRSA_CONDITION })]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toMatch(/sts:AssumeRole cannot be called/);
      expect(fs[0].message).not.toMatch(/can use none of its actions/);
    });

    it('only the principal that can use none of the actions when another can', () => {
      // Prepare
      const policy = doc([allow({ AWS: ADMIN, Federated: OIDC_PROVIDER }, 'sts:AssumeRole')]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(`${OIDC_PROVIDER} can use none of its actions`);
      expect(fs[0].message).not.toMatch(/cannot be called by any/);
      expect(fs[0].message).not.toContain(`${ADMIN} can use`);
    });
  });

  describe('does not find', () => {
    it.each([
      ['a Service with sts:AssumeRole', { Service: 'ec2.amazonaws.com' }, 'sts:AssumeRole'],
      ['Pod Identity with AssumeRole and TagSession', { Service: 'pods.eks.amazonaws.com' }, ['sts:AssumeRole', 'sts:TagSession']],
      ['an AWS account with AssumeRole, TagSession, SetSourceIdentity', { AWS: OWN }, ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']],
      ['an EKS OIDC provider with web identity and TagSession', { Federated: OIDC_PROVIDER }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']],
      ['a China EKS OIDC provider with web identity', { Federated: CHINA_OIDC }, 'sts:AssumeRoleWithWebIdentity'],
      ['Cognito with web identity', { Federated: 'cognito-identity.amazonaws.com' }, 'sts:AssumeRoleWithWebIdentity'],
      ['a SAML provider with SAML and SetSourceIdentity', { Federated: SAML }, ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity']],
      ['"*" with web identity', '*', 'sts:AssumeRoleWithWebIdentity'],
      ['an OIDC provider with Action "*"', { Federated: OIDC_PROVIDER }, '*'],
      ['an OIDC provider with "sts:*"', { Federated: OIDC_PROVIDER }, 'sts:*'],
      ['a Service with a partial wildcard', { Service: 'ec2.amazonaws.com' }, 'sts:AssumeRole*'],
      ['a Service with only TagSession (AssumeRole may be in another statement)', { Service: 'pods.eks.amazonaws.com' }, 'sts:TagSession'],
      ['an OIDC provider with an action it cannot be judged on', { Federated: OIDC_PROVIDER }, 'sts:SetContext'],
      ['an unclassified Federated ARN with AssumeRole', { Federated: `arn:aws:iam::${OWN}:something/else` }, 'sts:AssumeRole'],
      ['a statement mixing kinds, each with its action', { AWS: ADMIN, Federated: SAML }, ['sts:AssumeRole', 'sts:AssumeRoleWithSAML']],
    ])('%s', (_label, principal, action) => {
      // Prepare
      const policy = doc([allow(principal, action)]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });

    it('Deny and NotAction statements', () => {
      // Prepare
      const policy = doc([
        allow({ Service: 'ec2.amazonaws.com' }, 'sts:AssumeRole'),
        { Effect: 'Deny', Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/${OIDC_PREFIX}` }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { Federated: OIDC_PROVIDER }, NotAction: 'sts:AssumeRoleWithWebIdentity', Condition: IRSA_CONDITION },
      ]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      expect(findingsOf(r, 'action-principal-mismatch')).toEqual([]);
    });
  });
});
