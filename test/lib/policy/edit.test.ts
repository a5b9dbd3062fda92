/**
 * The statement edits of lib/policy/edit.ts build exactly what their straightforward forms build
 * (the reference implementations below, which lower-case every key and copy with Object.entries):
 * same members in the same order, own "__proto__" members included, input untouched.
 */
import fc from 'fast-check';
import { addActions, findKeyIgnoringCase, sameIgnoringCase, setActions, setCondition } from '../../../lib/policy/edit';
import type { JsonStatement } from '../../../lib/policy/types';

function referenceFindKey(obj: Record<string, unknown>, key: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
}

function referenceSetCondition(s: JsonStatement, operator: string, key: string, values: string[]): JsonStatement {
  const cond = (s.Condition && typeof s.Condition === 'object' ? s.Condition : {}) as Record<string, unknown>;
  const opKey = Object.hasOwn(cond, operator) ? operator : (referenceFindKey(cond, operator) ?? operator);
  const block = (cond[opKey] && typeof cond[opKey] === 'object' ? cond[opKey] : {}) as Record<string, unknown>;
  const k = Object.hasOwn(block, key) ? key : (referenceFindKey(block, key) ?? key);
  return { ...s, Condition: { ...cond, [opKey]: { ...block, [k]: values.length === 1 ? values[0] : values } } };
}

function referenceAddActions(s: JsonStatement, actions: string[]): JsonStatement {
  const current = typeof s.Action === 'string' ? [s.Action] : Array.isArray(s.Action) ? (s.Action as string[]) : [];
  const lower = new Set(current.map((a) => a.toLowerCase()));
  const added = actions.filter((a) => !lower.has(a.toLowerCase()));
  return added.length === 0 ? s : { ...s, Action: [...current, ...added] };
}

function referenceSetActions(s: JsonStatement, actions: string[]): JsonStatement {
  const entries = Object.entries(s).map(([k, v]) => (k === 'Action' || k === 'NotAction' ? ['Action', actions.length === 1 ? actions[0] : actions] : [k, v]));
  return Object.fromEntries(entries) as JsonStatement;
}

/** Same members, in the same order, at every level (JSON.stringify shows own "__proto__" members too). */
function expectSameDocument(got: unknown, want: unknown): void {
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(want));
}

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

  it('answers what comparing the lower-case forms answers, for any strings (lengthening İ and combining dot included)', () => {
    const char = fc.constantFrom('a', 'A', 'i', 'I', 'İ', '\u0307', 'ß', 'S', 's', '@', '`', ':', 'À', 'à', 'K', '\u212a', 'k');
    const word = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(word, word, fc.boolean(), (a, b, cased) => {
        // Half the pairs are the same word in other cases, so equal answers are common too.
        const other = cased ? a.toUpperCase() : b;
        expect(sameIgnoringCase(a, other)).toBe(a.toLowerCase() === other.toLowerCase());
      }),
      { numRuns: 5000 },
    );
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

describe('setCondition', () => {
  const edits: [string, string, string[]][] = [
    ['StringEquals', 'aws:SourceAccount', ['111122223333']],
    ['ArnLike', 'aws:SourceArn', ['arn:aws:eks:*:111122223333:fargateprofile/*', 'b']],
    ['StringEquals', 'oidc.eks.x/id/A:aud', ['sts.amazonaws.com']],
    ['StringEquals', '__proto__', ['q']],
    ['StringEquals', 'OIDC.EKS.X/ID/A:SUB', ['z']],
    ['NumericLessThan', 'İx', ['1']],
  ];
  it.each(statements.flatMap((s, i) => edits.map((e) => [i, ...e] as const)))('statement %i: %s %s = %j, as the reference builds it', (i, op, key, values) => {
    // Prepare
    const s = statements[i];
    const before = JSON.stringify(s);
    // Act
    const got = setCondition(s, op, key, values.slice());
    const want = referenceSetCondition(s, op, key, values.slice());
    // Assess: same members in the same order at every level, input untouched.
    expectSameDocument(got, want);
    const cond = (x: Record<string, unknown>) => x.Condition as Record<string, Record<string, unknown>>;
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

describe('addActions and setActions', () => {
  const actionStatements: Record<string, unknown>[] = [
    { Effect: 'Allow', Action: 'sts:AssumeRole' },
    { Effect: 'Allow', Action: ['STS:TAGSESSION', 'sts:AssumeRole'] },
    { Sid: 'x', Effect: 'Allow', NotAction: 'iam:*', Principal: '*' },
    { Effect: 'Allow' },
    { Action: [], Effect: 'Allow' },
    JSON.parse('{"Effect":"Allow","__proto__":{"a":1},"Action":"*"}'),
    { 1: 'integer-like key first', Effect: 'Allow', Action: 'sts:*' },
  ];
  const lists: string[][] = [['sts:TagSession'], ['sts:AssumeRole', 'sts:TagSession'], ['sts:TagSession', 'sts:tagsession']];
  it.each(actionStatements.flatMap((s, i) => lists.map((l) => [i, l] as const)))('statement %i, actions %j: as the reference builds it', (i, list) => {
    // Prepare
    const s = actionStatements[i];
    const before = JSON.stringify(s);
    // Act / Assess
    const added = addActions(s, list);
    expectSameDocument(added, referenceAddActions(s, list));
    expect(added === s).toBe(referenceAddActions(s, list) === s);
    expectSameDocument(setActions(s, list), referenceSetActions(s, list));
    expect(JSON.stringify(s)).toBe(before);
  });
});
