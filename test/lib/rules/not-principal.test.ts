import { evaluate } from '../../../lib/engine';
import { rule } from '../../../lib/rules/not-principal';
import { check, doc, findingsOf, FOREIGN, OWN, ROLE_ARN } from './generic-trust-support';

const ctx = { roleArn: ROLE_ARN };

describe('not-principal', () => {
  it('declares the id, severity and scope of spec/RULES.md', () => {
    // Assess
    expect(rule.id).toBe('not-principal');
    expect(rule.severity).toBe('high');
    expect(rule.scope).toBe('trust-policy');
    expect(rule.fix).toBeUndefined();
    expect(rule.summary).toMatch(/NotPrincipal/);
  });

  it('finds Allow with NotPrincipal as a high unfixable finding naming the statement and what to do', () => {
    // Prepare
    const policy = doc([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Sid: 'AllButAuditor', Effect: 'Allow', NotPrincipal: { AWS: [`arn:aws:iam::${OWN}:role/auditor`, FOREIGN] }, Action: 'sts:AssumeRole' },
    ]);
    // Act
    const r = evaluate(policy, ctx);
    // Assess
    const fs = findingsOf(r, 'not-principal');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'high', statement: 1, fixable: false });
    expect(fs[0].message).toMatch(/^Statement 1 \(AllButAuditor\)/);
    expect(fs[0].message).toContain(`arn:aws:iam::${OWN}:role/auditor`);
    expect(fs[0].message).toMatch(/Replace NotPrincipal with a Principal/);
    expect(r.fixedPolicy).toBeNull();
  });

  it('finds NotPrincipal "*" in a single-object Statement', () => {
    // Prepare
    const policy = doc({ Effect: 'Allow', NotPrincipal: '*', Action: ['sts:AssumeRole'] });
    // Act
    const fs = check(rule, policy, ctx);
    // Assess
    expect(fs).toEqual([expect.objectContaining({ statement: 0, fixable: false })]);
    expect(fs[0].message).toContain('"*"');
  });

  it('finds NotPrincipal with a Service or GovCloud principal', () => {
    // Prepare
    const policy = doc([
      { Effect: 'Allow', NotPrincipal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', NotPrincipal: { AWS: `arn:aws-us-gov:iam::${FOREIGN}:root` }, Action: 'sts:AssumeRole' },
    ]);
    // Act
    const fs = check(rule, policy, ctx);
    // Assess
    expect(fs.map((f) => f.statement)).toEqual([0, 1]);
  });

  it('ignores Deny with NotPrincipal (the usual, safe use)', () => {
    // Prepare
    const policy = doc([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:role/admin` }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:role/admin` }, Action: 'sts:AssumeRole' },
    ]);
    // Act
    const r = evaluate(policy, ctx);
    // Assess
    expect(findingsOf(r, 'not-principal')).toEqual([]);
  });

  it('ignores an ordinary Principal', () => {
    // Prepare
    const policy = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
    // Act
    const fs = check(rule, policy, ctx);
    // Assess
    expect(fs).toEqual([]);
  });
});
