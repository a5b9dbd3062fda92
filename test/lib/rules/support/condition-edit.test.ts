/** setConditionOf builds what setCondition (lib/policy/edit.ts) builds (lib/rules/support/condition-edit.ts). */
import { setCondition } from '../../../../lib/policy/edit';
import { findKeyIgnoringCase, sameIgnoringCase, setConditionOf } from '../../../../lib/rules/support/condition-edit';

describe('sameIgnoringCase', () => {
  it.each([
    ['StringEquals', 'stringequals', true],
    ['StringEquals', 'StringEqualz', false],
    ['a@', 'a`', false], // '@' and '`' differ by 32 but are not letters
    ['İ', 'i̇', true], // lower-casing lengthens İ
    ['Straße', 'STRASSE', false],
    ['ÀB', 'àb', true],
    ['abc', 'ab', false],
  ])('compares %j and %j as their lower-case forms: %s', (a, b, expected) => {
    // Act / Assess
    expect(sameIgnoringCase(a, b)).toBe(expected);
    expect(a.toLowerCase() === b.toLowerCase()).toBe(expected);
  });
});

describe('findKeyIgnoringCase', () => {
  it('finds the first key equal ignoring case, also for non-ASCII keys', () => {
    // Prepare
    const obj = { other: 1, 'OIDC.eks/ID/AB:aud': 2, 'oidc.eks/id/ab:aud': 3, İx: 4 };
    // Act / Assess
    expect(findKeyIgnoringCase(obj, 'oidc.eks/id/ab:AUD')).toBe('OIDC.eks/ID/AB:aud');
    expect(findKeyIgnoringCase(obj, 'i̇X')).toBe('İx');
    expect(findKeyIgnoringCase(obj, 'missing')).toBeUndefined();
  });
});

describe('setConditionOf', () => {
  const statements: Record<string, unknown>[] = [
    { Effect: 'Allow', Action: 'sts:AssumeRole' },
    { Effect: 'Allow', Condition: 'not an object' },
    { Effect: 'Allow', Condition: {} },
    { Effect: 'Allow', Condition: { StringLike: { 'aws:SourceArn': 'x' } } },
    { Effect: 'Allow', Condition: { stringequals: { 'AWS:SOURCEACCOUNT': '1', 'k:sub': 'v' } } },
    { Effect: 'Allow', Condition: { StringEquals: 'oops' } },
    { Effect: 'Allow', Condition: { ArnLike: { 'aws:sourcearn': ['a', 'b'] } } },
    JSON.parse('{"Effect":"Allow","Condition":{"StringEquals":{"__proto__":"p","oidc.eks.x/id/A:sub":"s"}}}'),
  ];
  const edits: [string, string, string[]][] = [
    ['StringEquals', 'aws:SourceAccount', ['111122223333']],
    ['ArnLike', 'aws:SourceArn', ['arn:aws:eks:*:111122223333:fargateprofile/*', 'b']],
    ['StringEquals', 'oidc.eks.x/id/A:aud', ['sts.amazonaws.com']],
    ['StringEquals', '__proto__', ['q']],
    ['StringEquals', 'OIDC.EKS.X/ID/A:SUB', ['z']],
  ];
  it.each(statements.flatMap((s, i) => edits.map((e) => [i, ...e] as const)))('statement %i: %s %s = %j as setCondition does', (i, op, key, values) => {
    // Prepare
    const s = statements[i];
    const before = JSON.stringify(s);
    // Act
    const got = setConditionOf(s, op, key, values.slice());
    const want = setCondition(s, op, key, values.slice());
    // Assess: same members in the same order (own "__proto__" keys included), input untouched.
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    const cond = (x: Record<string, unknown>) => x.Condition as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(cond(got))).toEqual(Object.keys(cond(want)));
    for (const k of Object.keys(cond(want))) {
      const w = cond(want)[k];
      if (w && typeof w === 'object') {
        expect(Object.keys(cond(got)[k])).toEqual(Object.keys(w));
        expect(Object.getPrototypeOf(cond(got)[k])).toBe(Object.getPrototypeOf(w));
      }
    }
    expect(JSON.stringify(s)).toBe(before);
  });
});
