import { evaluate } from '../../../lib/engine';
import { parsePolicy } from '../../../lib/policy/normalize';
import { neededActions, rule } from '../../../lib/rules/wildcard-action';
import {
  check,
  doc,
  evaluateTwice,
  findingsOf,
  fix,
  IRSA_CONDITION,
  OIDC_PROVIDER,
  OWN,
  ROLE_ARN,
  snapshot,
  statementsOf,
} from './generic-trust-support';

const ctx = { roleArn: ROLE_ARN };
const ADMIN = `arn:aws:iam::${OWN}:role/admin`;
const SAML = `arn:aws:iam::${OWN}:saml-provider/corp`;
/** Keeps pod-identity-source-account quiet so the fixed documents only show this rule's fix. */
const POD_CONDITION = { StringEquals: { 'aws:SourceAccount': OWN } };

describe('wildcard-action', () => {
  it('declares the id, severity and scope of spec/RULES.md', () => {
    // Assess
    expect(rule.id).toBe('wildcard-action');
    expect(rule.severity).toBe('medium');
    expect(rule.scope).toBe('trust-policy');
    expect(typeof rule.fix).toBe('function');
    expect(rule.summary).toMatch(/NotAction/);
  });

  describe('finds and fixes', () => {
    it.each([
      ['AWS, Action "*"', { AWS: ADMIN }, { Action: '*' }, ['sts:AssumeRole', 'sts:TagSession'], undefined],
      ['a Service, Action "sts:*"', { Service: 'ec2.amazonaws.com' }, { Action: 'sts:*' }, 'sts:AssumeRole', undefined],
      ['a China Service, Action ["STS:*"]', { Service: 'ec2.amazonaws.com.cn' }, { Action: ['STS:*'] }, 'sts:AssumeRole', undefined],
      ['Pod Identity, Action "Sts:*"', { Service: 'pods.eks.amazonaws.com' }, { Action: 'Sts:*' }, ['sts:AssumeRole', 'sts:TagSession'], POD_CONDITION],
      ['an EKS OIDC provider, Action "*"', { Federated: OIDC_PROVIDER }, { Action: '*' }, 'sts:AssumeRoleWithWebIdentity', IRSA_CONDITION],
      ['a SAML provider, NotAction "iam:*"', { Federated: SAML }, { NotAction: 'iam:*' }, 'sts:AssumeRoleWithSAML', undefined],
      ['Cognito, Action "sts:*"', { Federated: 'cognito-identity.amazonaws.com' }, { Action: 'sts:*' }, 'sts:AssumeRoleWithWebIdentity', undefined],
      ['a wildcard next to a named action', { Service: 'ec2.amazonaws.com' }, { Action: ['sts:AssumeRole', 'sts:*'] }, 'sts:AssumeRole', undefined],
      ['a Service and AWS (the union)', { Service: 'ec2.amazonaws.com', AWS: ADMIN }, { Action: '*' }, ['sts:AssumeRole', 'sts:TagSession'], undefined],
    ])('%s', (_label, principal, action, expected, condition) => {
      // Prepare
      const statement = { Sid: 'S', Effect: 'Allow', Principal: principal, ...action, ...(condition ? { Condition: condition } : {}) };
      const policy = doc([statement]);
      const before = snapshot(policy);
      // Act
      const { first, second } = evaluateTwice(policy, ctx);
      // Assess
      const fs = findingsOf(first, 'wildcard-action');
      expect(fs).toEqual([expect.objectContaining({ severity: 'medium', statement: 0, fixable: true })]);
      expect(fs[0].message).toMatch(/^Statement 0 \(S\)/);
      // Action replaces Action/NotAction in place: same keys, same order.
      expect(first.fixedPolicy).toEqual(
        doc([{ Sid: 'S', Effect: 'Allow', Principal: principal, Action: expected, ...(condition ? { Condition: condition } : {}) }]),
      );
      expect(Object.keys(statementsOf(first.fixedPolicy!)[0] as object)).toEqual(Object.keys(statement).map((k) => (k === 'NotAction' ? 'Action' : k)));
      expect(policy).toEqual(before);
      expect(findingsOf(second, 'wildcard-action')).toEqual([]);
      expect(second.fixedPolicy).toBeNull();
    });

    it('"*" with a pinned Principal "*": AssumeRole and TagSession, conditions kept', () => {
      // Prepare
      const condition = { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } };
      const policy = doc({ Effect: 'Allow', Principal: '*', Action: '*', Condition: condition });
      // Act
      const { first, second } = evaluateTwice(policy, ctx);
      // Assess
      expect(first.fixedPolicy).toEqual(doc({ Effect: 'Allow', Principal: '*', Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: condition }));
      expect(second.fixedPolicy).toBeNull();
    });

    it('never widens: keeps only what the NotAction statement allowed', () => {
      // Prepare
      const policy = doc([{ Effect: 'Allow', Principal: { AWS: ADMIN }, NotAction: ['sts:TagSession', 'sts:SetSourceIdentity'] }]);
      // Act
      const { first, second } = evaluateTwice(policy, ctx);
      // Assess
      expect(first.fixedPolicy).toEqual(doc([{ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'sts:AssumeRole' }]));
      expect(findingsOf(second, 'wildcard-action')).toEqual([]);
    });

    it('leaves other statements (Deny with "*" included) exactly as they were', () => {
      // Prepare
      const keep = { Sid: 'Nodes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
      const deny = { Sid: 'NoOne', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OWN}:role/old` }, Action: '*' };
      const policy = doc([keep, { Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'sts:*' }, deny]);
      // Act
      const { first, second } = evaluateTwice(policy, ctx);
      // Assess
      expect(findingsOf(first, 'wildcard-action').map((f) => f.statement)).toEqual([1]);
      const fixed = statementsOf(first.fixedPolicy!);
      expect(fixed).toHaveLength(3);
      expect(fixed[0]).toEqual(keep);
      expect(fixed[1]).toEqual({ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: ['sts:AssumeRole', 'sts:TagSession'] });
      expect(fixed[2]).toEqual(deny);
      expect(second.fixedPolicy).toBeNull();
    });

    it('called directly, returns a new document and leaves its input alone', () => {
      // Prepare
      const keep = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
      const policy = doc([keep, { Effect: 'Allow', Principal: { Federated: SAML }, Action: ['*'] }]);
      const before = snapshot(policy);
      // Act
      const fixed = fix(rule, policy, ctx);
      // Assess
      expect(fixed).toEqual(doc([keep, { Effect: 'Allow', Principal: { Federated: SAML }, Action: 'sts:AssumeRoleWithSAML' }]));
      expect(policy).toEqual(before);
      expect(statementsOf(fixed)[0]).toBe(statementsOf(policy)[0]);
    });
  });

  describe('finds but cannot fix', () => {
    it('NotAction that excludes everything the principals need', () => {
      // Prepare
      const policy = doc([{ Effect: 'Allow', Principal: { Federated: OIDC_PROVIDER }, NotAction: 'sts:AssumeRoleWithWebIdentity', Condition: IRSA_CONDITION }]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      const fs = findingsOf(r, 'wildcard-action');
      expect(fs).toEqual([expect.objectContaining({ statement: 0, fixable: false })]);
      expect(fs[0].message).toMatch(/sts:AssumeRoleWithWebIdentity\): list the actions by hand/);
      expect(r.fixedPolicy).toBeNull();
    });

    it('principals that need no STS action (CanonicalUser)', () => {
      // Prepare
      const policy = doc({ Effect: 'Allow', Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Action: '*' });
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([expect.objectContaining({ fixable: false })]);
    });

    it('NotPrincipal with Action "*"', () => {
      // Prepare
      const policy = doc({ Effect: 'Allow', NotPrincipal: { AWS: ADMIN }, Action: '*' });
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([expect.objectContaining({ fixable: false })]);
      expect(fs[0].message).toMatch(/NotPrincipal/);
    });
  });

  describe('does not find', () => {
    it.each([
      ['named actions', ['sts:AssumeRole', 'sts:TagSession']],
      ['a partial wildcard the spec does not cover', 'sts:AssumeRole*'],
    ])('%s', (_label, action) => {
      // Prepare
      const policy = doc([{ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: action }]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });

    it('Deny statements with "*" or NotAction', () => {
      // Prepare
      const policy = doc([
        { Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: '*' },
        { Effect: 'Deny', Principal: '*', NotAction: 'sts:AssumeRole' },
      ]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      expect(findingsOf(r, 'wildcard-action')).toEqual([]);
    });
  });

  describe('neededActions of Service principals', () => {
    function neededOf(statement: Record<string, unknown>): readonly string[] {
      const parsed = parsePolicy(doc([statement]));
      if (!parsed.ok) throw new Error('test policy is invalid');
      return neededActions(parsed.policy.statements[0]);
    }

    it.each([
      ['pods.eks.amazonaws.com', true],
      ['PODS.EKS.AMAZONAWS.COM', true],
      ['pods.eks.amazonaws.com.cn', true],
      ['Pods.Eks.AmazonAws.Com.CN', true],
      [['ec2.amazonaws.com', 'pods.eks.amazonaws.com'], true],
      ['pods.eks', false],
      ['xpods.eks.amazonaws.com', false],
      ['pods.eks.amazonaws.com.', false],
      ['eks.amazonaws.com', false],
    ])('Service %j needs sts:TagSession: %s (Pod Identity, in any case, either partition)', (service, tagSession) => {
      // Act
      const allowed = neededOf({ Effect: 'Allow', Principal: { Service: service }, Action: '*' });
      const denied = neededOf({ Effect: 'Deny', Principal: { Service: service }, Action: '*' });
      // Assess
      const expected = tagSession ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
      expect(allowed).toEqual(expected);
      expect(denied).toEqual(expected);
    });
  });
});
