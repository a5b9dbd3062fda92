import { deriveContext, evaluate } from '../../../lib/engine';
import { parsePolicy } from '../../../lib/policy/normalize';
import { rule } from '../../../lib/rules/untrusted-account';
import {
  check,
  doc,
  evaluateTwice,
  findingsOf,
  fix,
  FOREIGN,
  OIDC_PREFIX,
  OWN,
  ROLE_ARN,
  snapshot,
  statementsOf,
  TRUSTED,
} from './generic-trust-support';

const ctx = { roleArn: ROLE_ARN };
const configured = { roleArn: ROLE_ARN, trustedAccounts: [TRUSTED] };

function allowAws(aws: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole', ...extra };
}

describe('untrusted-account', () => {
  it('declares the id, severity and scope of spec/RULES.md', () => {
    // Assess
    expect(rule.id).toBe('untrusted-account');
    expect(rule.severity).toBe('critical');
    expect(rule.scope).toBe('trust-policy');
    expect(typeof rule.fix).toBe('function');
    expect(rule.summary).toMatch(/TRUSTED_ACCOUNTS/);
  });

  describe('finds', () => {
    it('a bare foreign account id, unfixable while TRUSTED_ACCOUNTS is not configured', () => {
      // Prepare
      const policy = doc([allowAws(FOREIGN, { Sid: 'Vendor' })]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      const fs = findingsOf(r, 'untrusted-account');
      expect(fs).toHaveLength(1);
      expect(fs[0]).toMatchObject({ severity: 'critical', statement: 0, fixable: false });
      expect(fs[0].message).toMatch(/^Statement 0 \(Vendor\) trusts 444455556666: account 444455556666 is neither/);
      expect(fs[0].message).toContain(`this role's account (${OWN})`);
      expect(fs[0].message).toMatch(/TRUSTED_ACCOUNTS is not configured/);
      expect(r.fixedPolicy).toBeNull();
    });

    it('foreign roles, users, assumed roles and federated users in one finding per statement', () => {
      // Prepare
      const principals = [
        `arn:aws:iam::${FOREIGN}:role/deploy`,
        `arn:aws:iam::${FOREIGN}:user/ci`,
        `arn:aws:sts::${FOREIGN}:assumed-role/deploy/session`,
        `arn:aws:sts::${TRUSTED}:federated-user/bob`,
      ];
      const policy = doc([allowAws(principals)]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      for (const p of principals) expect(fs[0].message).toContain(p);
      expect(fs[0].message).toContain(`accounts ${FOREIGN}, ${TRUSTED}`);
    });

    it.each([
      ['an OIDC provider', `arn:aws:iam::${FOREIGN}:oidc-provider/${OIDC_PREFIX}`, 'sts:AssumeRoleWithWebIdentity'],
      ['a SAML provider', `arn:aws:iam::${FOREIGN}:saml-provider/corp`, 'sts:AssumeRoleWithSAML'],
    ])('a Federated %s in a foreign account', (_label, provider, action) => {
      // Prepare
      const policy = doc({ Effect: 'Allow', Principal: { Federated: provider }, Action: action });
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(provider);
    });

    it.each([
      ['China', 'arn:aws-cn:iam::111122223333:role/app', `arn:aws-cn:iam::${FOREIGN}:root`],
      ['GovCloud', 'arn:aws-us-gov:iam::111122223333:role/app', `arn:aws-us-gov:iam::${FOREIGN}:role/x`],
    ])('a foreign principal in %s', (_label, roleArn, principal) => {
      // Prepare
      const policy = doc([allowAws([`arn:${roleArn.split(':')[1]}:iam::${OWN}:root`, principal])]);
      // Act
      const fs = check(rule, policy, { roleArn });
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(principal);
      expect(fs[0].message).not.toContain(`::${OWN}:root`);
    });

    it('any account principal when the role account is unknown, saying so and never fixable', () => {
      // Prepare
      const policy = doc([allowAws([`arn:aws:iam::${OWN}:role/admin`, `arn:aws:iam::${TRUSTED}:role/ci`])]);
      // Act
      const fs = findingsOf(evaluate(policy, { trustedAccounts: [TRUSTED] }), 'untrusted-account');
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].fixable).toBe(false);
      expect(fs[0].message).toContain(
        `account ${OWN} cannot be verified as trusted: the role's account is unknown (pass --account)`,
      );
      // The trusted account is not mentioned: it is trusted whatever the role's account is.
      expect(fs[0].message).not.toContain(TRUSTED);
    });

    it('with the account from --account instead of a role ARN', () => {
      // Prepare
      const policy = doc([allowAws(FOREIGN)]);
      // Act
      const fs = check(rule, policy, { account: OWN });
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(`this role's account (${OWN})`);
    });
  });

  describe('does not find', () => {
    it.each([
      ['the own account as a bare id', OWN],
      ['the own account root', `arn:aws:iam::${OWN}:root`],
      ['a role of the own account', `arn:aws:iam::${OWN}:role/admin`],
      ['a trusted account', `arn:aws:iam::${TRUSTED}:root`],
      ['a unique id', 'AROAEXAMPLEID1234567'],
    ])('%s', (_label, principal) => {
      // Prepare
      const policy = doc([allowAws(principal)]);
      // Act
      const fs = check(rule, policy, { roleArn: ROLE_ARN, trustedAccounts: [TRUSTED] });
      // Assess
      expect(fs).toEqual([]);
    });

    it('"*" (public-principal reports it), services and non-ARN web identity providers', () => {
      // Prepare
      const policy = doc([
        { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } },
        { Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'eks.amazonaws.com.cn'] }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { Federated: ['cognito-identity.amazonaws.com', 'accounts.google.com'] }, Action: 'sts:AssumeRoleWithWebIdentity' },
      ]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });

    it('a Deny statement naming a foreign account', () => {
      // Prepare
      const policy = doc([allowAws(`arn:aws:iam::${OWN}:role/admin`), { Effect: 'Deny', Principal: { AWS: FOREIGN }, Action: 'sts:AssumeRole' }]);
      // Act
      const r = evaluate(policy, configured);
      // Assess
      expect(findingsOf(r, 'untrusted-account')).toEqual([]);
    });

    it('a trusted account when the role account is unknown', () => {
      // Prepare
      const policy = doc([allowAws(TRUSTED)]);
      // Act
      const fs = check(rule, policy, { trustedAccounts: [TRUSTED] });
      // Assess
      expect(fs).toEqual([]);
    });
  });

  describe('fix (TRUSTED_ACCOUNTS configured)', () => {
    const untouched = { Sid: 'Nodes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const original = doc([
      allowAws([`arn:aws:iam::${OWN}:role/admin`, `arn:aws:iam::${FOREIGN}:role/deploy`, `arn:aws:iam::${TRUSTED}:role/ci`], { Sid: 'Mixed' }),
      untouched,
      allowAws(FOREIGN, { Sid: 'OnlyForeign' }),
      {
        Sid: 'Saml',
        Effect: 'Allow',
        Principal: { Federated: [`arn:aws:iam::${FOREIGN}:saml-provider/corp`, `arn:aws:iam::${OWN}:saml-provider/corp`] },
        Action: 'sts:AssumeRoleWithSAML',
      },
      { Sid: 'DenyForeign', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: 'sts:AssumeRole' },
    ]);

    it('removes the untrusted AWS and Federated values, drops a statement left with none, changes nothing else', () => {
      // Prepare
      const before = snapshot(original);
      // Act
      const { first, second } = evaluateTwice(original, configured);
      // Assess
      expect(findingsOf(first, 'untrusted-account').map((f) => [f.statement, f.fixable])).toEqual([
        [0, true],
        [2, true],
        [3, true],
      ]);
      expect(first.fixedPolicy).toEqual(
        doc([
          allowAws([`arn:aws:iam::${OWN}:role/admin`, `arn:aws:iam::${TRUSTED}:role/ci`], { Sid: 'Mixed' }),
          untouched,
          {
            Sid: 'Saml',
            Effect: 'Allow',
            Principal: { Federated: [`arn:aws:iam::${OWN}:saml-provider/corp`] },
            Action: 'sts:AssumeRoleWithSAML',
          },
          { Sid: 'DenyForeign', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: 'sts:AssumeRole' },
        ]),
      );
      expect(first.fixedRuleIds).toContain('untrusted-account');
      expect(original).toEqual(before);
      const fixed = statementsOf(first.fixedPolicy!);
      expect(fixed[1]).toEqual(statementsOf(original)[1]);
      expect(fixed[3]).toEqual(statementsOf(original)[4]);
      expect(findingsOf(second, 'untrusted-account')).toEqual([]);
      expect(second.fixedPolicy).toBeNull();
    });

    it('keeps the single-object Statement form and a string element the fix did not touch', () => {
      // Prepare
      const policy = doc({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${FOREIGN}:root`, Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
      const before = snapshot(policy);
      // Act
      const { first, second } = evaluateTwice(policy, { roleArn: ROLE_ARN, trustedAccounts: [] });
      // Assess
      expect(first.fixedPolicy).toEqual(doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }));
      expect(policy).toEqual(before);
      expect(findingsOf(second, 'untrusted-account')).toEqual([]);
      expect(second.fixedPolicy).toBeNull();
    });

    it('is not offered when removing the principals would leave no statement', () => {
      // Prepare
      const policy = doc({ Effect: 'Allow', Principal: { AWS: [FOREIGN, `arn:aws-cn:iam::${FOREIGN}:root`] }, Action: 'sts:AssumeRole' });
      // Act
      const r = evaluate(policy, configured);
      // Assess
      const fs = findingsOf(r, 'untrusted-account');
      expect(fs).toEqual([expect.objectContaining({ fixable: false })]);
      expect(fs[0].message).toMatch(/by hand/);
      expect(r.fixedPolicy).toBeNull();
    });

    it('is not offered for any statement when every statement would be emptied, asked again or not', () => {
      // Prepare
      const policy = doc([allowAws(FOREIGN), allowAws(`arn:aws:iam::${FOREIGN}:role/a`)]);
      const parsed = parsePolicy(policy);
      if (!parsed.ok) throw new Error('test policy is invalid');
      const ctx = deriveContext(configured, parsed.policy);
      // Act
      const first = rule.check(parsed.policy, ctx);
      const again = rule.check(parsed.policy, ctx);
      // Assess
      for (const fs of [first, again]) {
        expect(fs.map((f) => [f.statement, f.fixable])).toEqual([
          [0, false],
          [1, false],
        ]);
        expect(fs.every((f) => /Remove these principals by hand/.test(f.message))).toBe(true);
      }
    });

    it('is offered for a statement that would be emptied when another statement stays', () => {
      // Prepare: the first statement's answer is asked alone, then beside a statement that stays
      const emptied = allowAws(FOREIGN);
      const alone = check(rule, doc([emptied]), configured);
      // Act
      const beside = check(rule, doc([emptied, allowAws(`arn:aws:iam::${OWN}:role/admin`)]), configured);
      // Assess
      expect(alone).toEqual([expect.objectContaining({ statement: 0, fixable: false, message: expect.stringMatching(/by hand/) })]);
      expect(beside).toEqual([
        expect.objectContaining({ statement: 0, fixable: true, message: expect.stringMatching(/removes these principals and then the statement/) }),
      ]);
    });

    it('is not offered when the role account is unknown, even with TRUSTED_ACCOUNTS', () => {
      // Prepare
      const policy = doc([allowAws([FOREIGN, `arn:aws:iam::${TRUSTED}:root`])]);
      // Act
      const r = evaluate(policy, { trustedAccounts: [TRUSTED] });
      // Assess
      expect(findingsOf(r, 'untrusted-account')).toEqual([expect.objectContaining({ fixable: false })]);
      expect(r.fixedPolicy).toBeNull();
    });

    it('called directly, returns a new document and leaves its input alone', () => {
      // Prepare
      const policy = doc([allowAws([FOREIGN, `arn:aws:iam::${OWN}:role/admin`]), untouched]);
      const before = snapshot(policy);
      // Act
      const fixed = fix(rule, policy, configured);
      // Assess
      expect(fixed).toEqual(doc([allowAws([`arn:aws:iam::${OWN}:role/admin`]), untouched]));
      expect(policy).toEqual(before);
      expect(statementsOf(fixed)[1]).toBe(statementsOf(policy)[1]);
    });
  });
});
