import { evaluate } from '../../../lib/engine';
import { rule } from '../../../lib/rules/public-principal';
import { check, doc, findingsOf, FOREIGN, OWN, ROLE_ARN } from './generic-trust-support';

const ctx = { roleArn: ROLE_ARN };

function allowStar(extra: Record<string, unknown> = {}, principal: unknown = '*'): Record<string, unknown> {
  return { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra };
}

describe('public-principal', () => {
  it('declares the id, severity and scope of spec/RULES.md', () => {
    // Assess
    expect(rule.id).toBe('public-principal');
    expect(rule.severity).toBe('critical');
    expect(rule.scope).toBe('trust-policy');
    expect(rule.fix).toBeUndefined();
    expect(rule.summary).toMatch(/\*/);
  });

  describe('finds', () => {
    it('Principal "*" with no condition, as a critical unfixable finding that says where and what to do', () => {
      // Prepare
      const policy = doc([allowStar()]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      const fs = findingsOf(r, 'public-principal');
      expect(fs).toHaveLength(1);
      expect(fs[0]).toMatchObject({ severity: 'critical', statement: 0, fixable: false });
      expect(fs[0].message).toMatch(/^Statement 0 /);
      expect(fs[0].message).toMatch(/aws:PrincipalOrgID/);
      expect(r.fixedPolicy).toBeNull();
    });

    it('{"AWS": "*"} in a single-object Statement, naming the Sid', () => {
      // Prepare
      const policy = doc({ Sid: 'Everyone', ...allowStar({}, { AWS: '*' }) });
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([expect.objectContaining({ statement: 0, fixable: false })]);
      expect(fs[0].message).toMatch(/^Statement 0 \(Everyone\)/);
    });

    it('"*" among other AWS principals', () => {
      // Prepare
      const policy = doc([allowStar({}, { AWS: [`arn:aws:iam::${OWN}:role/admin`, '*'] })]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
    });

    it('"*" guarded only by sts:ExternalId (CloudTrail fixture panther_UpdateAssumeRolePolicy_1)', () => {
      // Prepare: the policyDocument of the fixture's requestParameters, as a JSON string
      const policyDocument =
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"12345"}}}]}';
      // Act
      const fs = findingsOf(evaluate(policyDocument, { roleArn: 'arn:aws:iam::123456789012:role/tester' }), 'public-principal');
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toMatch(/sts:ExternalId alone does not restrict/);
    });

    it.each([
      ['an IfExists operator', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123def4' } }, /IfExists/],
      ['ForAllValues (passes when the key is absent)', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123def4' } }, /ForAllValues/],
      ['a negated operator', { StringNotEquals: { 'aws:PrincipalAccount': FOREIGN } }, /negated/],
      ['a wildcard account', { StringLike: { 'aws:PrincipalAccount': '*' } }, /wildcard/],
      ['a partly wildcard account', { StringLike: { 'aws:SourceAccount': '1111*' } }, /wildcard/],
      ['a wildcard value among concrete ones', { StringLike: { 'aws:PrincipalOrgID': ['o-abc123def4', 'o-*'] } }, /wildcard/],
      ['an ARN whose account is a wildcard', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } }, /wildcard/],
      ['a comparison that is not a string or ARN match', { NumericEquals: { 'aws:PrincipalAccount': OWN } }, /not a string or ARN/],
    ])('"*" whose only pin is %s', (_label, condition, why) => {
      // Prepare
      const policy = doc([allowStar({ Condition: condition })]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toHaveLength(1);
      expect(fs[0].message).toMatch(why);
    });

    it('each unpinned statement separately, leaving pinned ones alone', () => {
      // Prepare
      const policy = doc([
        allowStar({ Sid: 'Pinned', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } }),
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        allowStar({ Sid: 'Open' }),
      ]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs.map((f) => f.statement)).toEqual([2]);
      expect(fs[0].message).toMatch(/^Statement 2 \(Open\)/);
    });
  });

  describe('does not find', () => {
    it.each([
      ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } }],
      ['aws:PrincipalAccount with lower-case operator and upper-case key', { stringequals: { 'AWS:PRINCIPALACCOUNT': FOREIGN } }],
      ['aws:PrincipalAccount as a list', { StringEquals: { 'aws:PrincipalAccount': [OWN, FOREIGN] } }],
      ['aws:PrincipalArn with a wildcard only in the role name', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${FOREIGN}:role/ci-*` } }],
      ['aws:PrincipalArn in China', { ArnEquals: { 'aws:PrincipalArn': `arn:aws-cn:iam::${FOREIGN}:role/ci` } }],
      ['aws:PrincipalArn in GovCloud', { StringLike: { 'aws:PrincipalArn': `arn:aws-us-gov:iam::${FOREIGN}:user/*` } }],
      ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': OWN } }],
      ['aws:SourceOrgID with ForAnyValue', { 'ForAnyValue:StringEquals': { 'aws:SourceOrgID': 'o-abc123def4' } }],
      ['a pin next to an IfExists condition', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' }, StringLikeIfExists: { 'aws:PrincipalArn': '*' } }],
    ])('"*" pinned by %s', (_label, condition) => {
      // Prepare
      const policy = doc([allowStar({ Condition: condition })]);
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });

    it('a Deny statement with "*"', () => {
      // Prepare
      const policy = doc([
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:role/admin` }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' },
      ]);
      // Act
      const r = evaluate(policy, ctx);
      // Assess
      expect(findingsOf(r, 'public-principal')).toEqual([]);
    });

    it('named principals', () => {
      // Prepare
      const policy = doc({ Effect: 'Allow', Principal: { AWS: OWN, Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
      // Act
      const fs = check(rule, policy, ctx);
      // Assess
      expect(fs).toEqual([]);
    });
  });
});
