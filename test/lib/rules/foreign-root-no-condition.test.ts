import { evaluate } from '../../../lib/engine';
import { rule } from '../../../lib/rules/foreign-root-no-condition';
import { check, doc, findingsOf, FOREIGN, OWN, ROLE_ARN, TRUSTED } from './generic-trust-support';

const ctx = { roleArn: ROLE_ARN, trustedAccounts: [TRUSTED] };

function allowAws(aws: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole', ...extra };
}

describe('foreign-root-no-condition', () => {
  it('declares the id, severity and scope of spec/RULES.md', () => {
    // Assess
    expect(rule.id).toBe('foreign-root-no-condition');
    expect(rule.severity).toBe('medium');
    expect(rule.scope).toBe('trust-policy');
    expect(rule.fix).toBeUndefined();
    expect(rule.summary).toMatch(/sts:ExternalId/);
  });

  describe('finds', () => {
    it('a bare foreign account id with no condition, as a medium unfixable finding', () => {
      // Prepare
      const policy = doc([
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        allowAws(FOREIGN, { Sid: 'Vendor' }),
      ]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      const fs = findingsOf(r, 'foreign-root-no-condition');
      expect(fs).toHaveLength(1);
      expect(fs[0]).toMatchObject({ severity: 'medium', statement: 1, fixable: false });
      expect(fs[0].message).toMatch(/^Statement 1 \(Vendor\) trusts all of foreign account 444455556666 with no/);
      expect(fs[0].message).toMatch(/StringEquals sts:ExternalId/);
    });

    it.each([
      ['aws', `arn:aws:iam::${FOREIGN}:root`],
      ['China', `arn:aws-cn:iam::${FOREIGN}:root`],
      ['GovCloud', `arn:aws-us-gov:iam::${FOREIGN}:root`],
    ])('a foreign root ARN in the %s partition, in a single-object Statement', (_label, root) => {
      // Prepare
      const policy = doc(allowAws([root]));
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(`(${root})`);
    });

    it('an account in TRUSTED_ACCOUNTS: trusted to appear, still foreign and still trusted whole', () => {
      // Prepare
      const policy = doc([allowAws(TRUSTED)]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(TRUSTED);
    });

    it.each([
      ['an IfExists operator', { StringEqualsIfExists: { 'sts:ExternalId': 'a1b2c3' } }],
      ['a wildcard external id', { StringLike: { 'sts:ExternalId': '*' } }],
      ['a negated operator', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } }],
      ['an ARN pattern for any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci' } }],
      ['aws:PrincipalAccount, which only repeats the account', { StringEquals: { 'aws:PrincipalAccount': FOREIGN } }],
      ['aws:SourceIp, which is no identity', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ])('a foreign root whose only condition is %s', (_label, condition) => {
      // Prepare
      const policy = doc([allowAws(FOREIGN, { Condition: condition })]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
    });

    it('every account when the role account is unknown, saying so', () => {
      // Prepare
      const policy = doc([allowAws([OWN, `arn:aws:iam::${FOREIGN}:root`])]);
      // Act
      const fs = check(rule, policy, {});
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toContain(`accounts ${OWN}, ${FOREIGN} (arn:aws:iam::${FOREIGN}:root)`);
      expect(fs[0].message).toMatch(/cannot be verified: the role's account is unknown \(pass --account\)/);
    });
  });

  describe('does not find', () => {
    it.each([
      ['the own account root', `arn:aws:iam::${OWN}:root`],
      ['the own account as a bare id', OWN],
      ['a named role in a foreign account', `arn:aws:iam::${FOREIGN}:role/deploy`],
      ['a named user in a foreign account', `arn:aws:iam::${FOREIGN}:user/ci`],
      ['"*" (public-principal reports it)', '*'],
    ])('%s', (_label, principal) => {
      // Prepare
      const policy = doc([allowAws(principal, principal === '*' ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } } : {})]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });

    it.each([
      ['sts:ExternalId', { StringEquals: { 'sts:ExternalId': 'a1b2c3' } }],
      ['sts:ExternalId, operator and key in other cases', { STRINGEQUALS: { 'STS:EXTERNALID': ['a1b2c3', 'd4e5f6'] } }],
      ['aws:PrincipalArn with a wildcard role name', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${FOREIGN}:role/ci-*` } }],
      ['aws:PrincipalArn in GovCloud', { ArnEquals: { 'aws:PrincipalArn': `arn:aws-us-gov:iam::${FOREIGN}:role/ci` } }],
      ['aws:PrincipalOrgID with ForAnyValue', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgID': 'o-abc123def4' } }],
    ])('a foreign root narrowed by %s', (_label, condition) => {
      // Prepare
      const policy = doc([allowAws(FOREIGN, { Condition: condition })]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });

    it('a Deny statement naming a foreign root', () => {
      // Prepare
      const policy = doc([
        allowAws(`arn:aws:iam::${OWN}:role/admin`),
        { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: 'sts:AssumeRole' },
      ]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      expect(findingsOf(r, 'foreign-root-no-condition')).toEqual([]);
    });
  });
});
