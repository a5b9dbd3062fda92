/**
 * The fixed policy's length decides whether a fix is written (maxPolicyLength). The engine measures
 * it exactly only when a cheap upper bound (fixedLengthBound) cannot tell: the bound must never be
 * below the exact length, whatever the text looked like.
 */
import fc from 'fast-check';
import { evaluate } from '../../../lib/engine';
import { fixedLengthBound, lengthDelta, parsedJsonLength, serializedLength } from '../../../lib/policy/edit';
import { parsePolicy } from '../../../lib/policy/normalize';
import type { PolicyDocument } from '../../../lib/policy/types';
import { scenarioArb } from '../../support/arbitraries';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS) || 1000;

/** What the engine passes as `numbers`: whether the parsed text holds a number. */
function numbersIn(text: string): boolean {
  const parsed = parsePolicy(text);
  return !parsed.ok || parsed.policy.numbers !== false;
}

/** Ways of writing the same document that change the text's length but not what it parses to. */
const spellingArb = fc.constantFrom<(doc: PolicyDocument) => string>(
  (d) => JSON.stringify(d),
  (d) => JSON.stringify(d, null, 2),
  (d) => encodeURIComponent(JSON.stringify(d)),
  (d) => `  ${JSON.stringify(d)}\n`,
  // Escaped solidus and unicode escapes: longer text, same strings.
  (d) => JSON.stringify(d).replace(/\//g, '\\/').replace(/a/g, '\\u0061'),
);

describe('fixedLengthBound', () => {
  it('is never below the length of the fixed policy', () => {
    let bounded = 0;
    fc.assert(
      fc.property(scenarioArb({ maxStatements: 6 }), spellingArb, ({ policy, ctx }, spell) => {
        const text = spell(policy);
        const r = evaluate(text, { ...ctx, maxPolicyLength: 100_000 });
        if (!r.fixedPolicy || !r.originalPolicy) return;
        const bound = fixedLengthBound(text, r.originalPolicy, r.fixedPolicy, numbersIn(text));
        if (bound === null) return;
        bounded++;
        expect(bound).toBeGreaterThanOrEqual(serializedLength(r.fixedPolicy));
      }),
      { numRuns: NUM_RUNS },
    );
    expect(bounded).toBeGreaterThan(NUM_RUNS / 4);
  });

  it('is the exact length for compact text (what the fix added and dropped is counted exactly)', () => {
    let fixed = 0;
    fc.assert(
      fc.property(scenarioArb({ maxStatements: 6 }), ({ policy, ctx }) => {
        const text = JSON.stringify(policy);
        const r = evaluate(text, { ...ctx, maxPolicyLength: 100_000 });
        if (!r.fixedPolicy || !r.originalPolicy) return;
        fixed++;
        expect(fixedLengthBound(text, r.originalPolicy, r.fixedPolicy, numbersIn(text))).toBe(serializedLength(r.fixedPolicy));
      }),
      { numRuns: NUM_RUNS },
    );
    expect(fixed).toBeGreaterThan(NUM_RUNS / 4);
  });

  it('gives up on a document holding a number, which may serialise longer than it was written', () => {
    const original = JSON.parse('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"a":[1e20,1.5e-6]}}}}');
    const text = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"a":[1e20,1.5e-6]}}}}';
    const fixed = { ...original };
    expect(text.length).toBeLessThan(serializedLength(fixed));
    expect(fixedLengthBound(text, original, fixed, true)).toBeNull();
  });

  it('gives up on raw lone surrogates and on top-level changes other than Version and Statement', () => {
    const original = { Statement: [{ Sid: 'x\ud800', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] };
    expect(fixedLengthBound(JSON.stringify(original).replace('\\ud800', '\ud800'), original, { ...original }, false)).toBeNull();
    expect(fixedLengthBound('{}', { Id: 'a' }, { Id: 'b' }, false)).toBeNull();
  });

  it('adds a statement used twice in full', () => {
    const s = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const original = { Statement: [s] };
    const fixed = { Statement: [s, s] };
    expect(fixedLengthBound(JSON.stringify(original), original, fixed, false)).toBeGreaterThanOrEqual(parsedJsonLength(fixed));
  });

  it('counts exactly a fix that drops statements and edits others, however they resemble each other', () => {
    // Prepare: three statements alike in most members; the fix drops the first and the last and
    // edits the middle one (a copy with one member changed and one added), and adds a new one.
    const action = ['sts:AssumeRole', 'sts:TagSession'];
    const principal = { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'] };
    const a = { Sid: 'A', Effect: 'Allow', Principal: principal, Action: action };
    const b = { Sid: 'B', Effect: 'Allow', Principal: principal, Action: action, Condition: { StringEquals: { 'sts:ExternalId': 'x' } } };
    const c = { Sid: 'C', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: action };
    const original = { Version: '2012-10-17', Statement: [a, b, c] };
    const edited = { ...b, Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Sid: 'Bee' };
    const added = { Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const fixed = { Version: '2012-10-17', Statement: [edited, added] };
    // Act
    const bound = fixedLengthBound(JSON.stringify(original), original, fixed, false);
    // Assess: compact text, so the bound is the exact length.
    expect(bound).toBe(JSON.stringify(fixed).length);
  });

  it('knows from the parse whether the text can hold a number that grows', () => {
    const withNumbers = parsePolicy('{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":[1e21,2]}}}}');
    const without = parsePolicy('{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":true}}}}');
    expect([withNumbers.ok && withNumbers.policy.numbers, without.ok && without.policy.numbers]).toEqual([true, false]);
  });

  // Numbers written shorter than they serialise: "1e21" -> "1e+21", "1e20" -> 21 digits,
  // "1.5e-6" -> "0.0000015". Ten of them make the fixed policy longer than the text suggests.
  it.each([
    ['1e21', 1e21],
    ['1e20', 1e20],
    ['1.5e-6', 1.5e-6],
  ])('rejects a fix that numbers written short (%s) push over the limit (the engine measures, not the text)', (spelling, value) => {
    // Prepare: a Pod Identity statement missing sts:TagSession, with ten such numbers.
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, NumericLessThan: { 'aws:MultiFactorAuthAge': Array(10).fill(value) } },
        },
      ],
    }).split(JSON.stringify(value)).join(spelling);
    const ctx = { roleArn: 'arn:aws:iam::111122223333:role/x' };
    const open = evaluate(text, { ...ctx, maxPolicyLength: 100_000 });
    expect(open.fixedRuleIds).toEqual(['pod-identity-tag-session']);
    const exact = serializedLength(open.fixedPolicy!);
    expect(text.length).toBeLessThan(exact - 10 * 2);
    // Act
    const over = evaluate(text, { ...ctx, maxPolicyLength: exact - 1 });
    const at = evaluate(text, { ...ctx, maxPolicyLength: exact });
    // Assess
    expect(over.fixRejected).toMatch(/over the \d+-character limit/);
    expect(over.fixedPolicy).toBeNull();
    expect(at.fixRejected).toBeUndefined();
    expect(at.fixedPolicy).not.toBeNull();
  });


  it('lengthDelta is the difference of the serialised lengths, shared subtrees or not', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, fc.string(), (a, b, key) => {
        const exact = (x: unknown) => JSON.stringify(x).length;
        expect(lengthDelta(b, a)).toBe(exact(b) - exact(a));
        // An edit that keeps the rest: one member replaced, added or dropped.
        if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
          const edited: Record<string, unknown> = { ...a, [key]: b };
          expect(lengthDelta(edited, a)).toBe(exact(edited) - exact(a));
          expect(lengthDelta(a, edited)).toBe(exact(a) - exact(edited));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
