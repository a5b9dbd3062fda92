import { evaluate } from '../../../lib/engine';
import { ACCOUNT, check, CTX, type Doc, expectFix, findingsOf } from './eks-rule-support';
import { rule as policyVersion } from '../../../lib/rules/policy-version';

const ID = 'policy-version';
const NODE = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };

describe('policy-version check', () => {
  it('accepts 2012-10-17', () => {
    // Prepare
    const policy = { Version: '2012-10-17', Statement: [NODE] };

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    ['a missing Version', { Statement: [NODE] }, 'has no Version'],
    ['2008-10-17', { Version: '2008-10-17', Statement: [NODE] }, 'uses Version 2008-10-17'],
  ])('reports %s as a document-level, fixable finding', (_name, policy, what) => {
    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: null, fixable: true });
    expect(findings[0].message).toContain(what);
    expect(findings[0].message).toContain('"Version": "2012-10-17"');
  });

  it('does not fix a document with a policy variable, which the new version would read differently', () => {
    const policy = {
      Version: '2008-10-17',
      Statement: [{ ...NODE, Condition: { StringEquals: { 'aws:PrincipalTag/owner': '${aws:username}' } } }],
    };

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(false);
    expect(findings[0].message).toContain('by hand');
  });

  it.each([
    ['a variable in a condition value', { k: '${aws:username}' }, true],
    ['a variable after other dollars', { k: 'a$b$$${x}' }, true],
    ['a variable in a condition key', { 'aws:PrincipalTag/${x}': 'v' }, true],
    ['a variable in a list value', { k: ['a', 'b${c}'] }, true],
    ['dollars with no brace after them', { k: ['$', 'a$', '$ {x}', '{$}', 'a$b{c}'], 'k$': 'v{' }, false],
    ['a brace before a dollar', { k: '{$' }, false],
  ])('tells a document with %s by its text (fixable: %s reversed)', (_name, values, variable) => {
    // Prepare: parsed from JSON text, as the engine reads a role's policy
    const policy = { Version: '2008-10-17', Statement: [{ ...NODE, Condition: { StringLike: values } }] };
    const text = JSON.stringify(policy);
    // Act
    const findings = evaluate(text, CTX).findings.filter((f) => f.ruleId === ID);
    // Assess (the spec's test: the serialised document contains `${`)
    expect(text.includes('${')).toBe(variable);
    expect(findings).toEqual([expect.objectContaining({ fixable: !variable })]);
  });

  it('is a low finding through the engine', () => {
    expect(findingsOf({ Statement: NODE }, ID)).toEqual([expect.objectContaining({ ruleId: ID, severity: 'low', statement: null })]);
  });
});

describe('policy-version fix', () => {
  it('adds Version first, leaving the statements as they were', () => {
    const policy: Doc = { Statement: [NODE], Id: 'node-trust' };

    expectFix(ID, policy, CTX, { Version: '2012-10-17', Statement: [NODE], Id: 'node-trust' }, []);
    const fixed = evaluate(policy, CTX).fixedPolicy as Doc;
    expect(Object.keys(fixed)).toEqual(['Version', 'Statement', 'Id']);
  });

  it('replaces 2008-10-17 in a single-object Statement document', () => {
    const policy: Doc = { Version: '2008-10-17', Statement: NODE };

    expectFix(ID, policy, { account: ACCOUNT }, { Version: '2012-10-17', Statement: NODE }, []);
  });

  it.each([
    ['no Version', { Statement: NODE, Id: 'x' }, ['Version', 'Statement', 'Id']],
    ['Version first', { Version: '2008-10-17', Statement: NODE, Id: 'x' }, ['Version', 'Statement', 'Id']],
    ['Version after Statement', { Statement: NODE, Version: '2008-10-17', Id: 'x' }, ['Version', 'Statement', 'Id']],
    ['an integer-like key', { 7: 'seven', Version: '2008-10-17', Statement: NODE }, ['7', 'Version', 'Statement']],
  ])('moves Version to the front of a document with %s (integer-like keys always come first)', (_name, doc, keys) => {
    // Prepare
    const before = JSON.stringify(doc);
    // Act
    const fixed = policyVersion.fix!(doc, undefined as never, [], undefined as never);
    // Assess
    expect(Object.keys(fixed)).toEqual(keys);
    expect(fixed.Version).toBe('2012-10-17');
    expect(fixed.Statement).toBe(NODE);
    expect(JSON.stringify(doc)).toBe(before);
  });
});
