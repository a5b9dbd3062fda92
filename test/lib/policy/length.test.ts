/**
 * The fixed policy's length decides whether a fix is written (maxPolicyLength). The edit helpers
 * count each fix's length change (the length ledger, lib/policy/edit.ts) and the engine adds it to
 * the input text's length, a bound it measures past only when the bound is over the limit. A count
 * below the truth would let a policy over the limit through, so every rule's fix is held to its
 * count here, and the engine to the limit, to the character.
 */
import fc from 'fast-check';
import { deriveContext, evaluate } from '../../../lib/engine';
import {
  addActions,
  endLedger,
  lengthDelta,
  removeCondition,
  removeStatements,
  replaceMember,
  serializedLength,
  setActions,
  setCondition,
  startLedger,
  textBoundsItsJson,
  withVersion,
} from '../../../lib/policy/edit';
import { parseFixedPolicy, parsePolicy, type TrustPolicy } from '../../../lib/policy/normalize';
import type { EvaluationContext, JsonStatement, PolicyDocument } from '../../../lib/policy/types';
import { RULES } from '../../../lib/rules';
import type { Rule, RuleScope } from '../../../lib/rules/types';
import { contextArb, envArb, roleArnArb, scenarioArb, trustPolicyArb } from '../../support/arbitraries';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS) || 1000;

const exact = (x: unknown): number => JSON.stringify(x).length;

/** Run `edit` counting, and give its result with the count. */
function counted<T>(edit: () => T): [T, number | null] {
  startLedger(true);
  try {
    return [edit(), endLedger()];
  } finally {
    endLedger();
  }
}

function parsed(text: string): TrustPolicy {
  const r = parsePolicy(text);
  if (!r.ok) throw new Error(`expected a valid policy: ${JSON.stringify(r.problems)}`);
  return r.policy;
}

const fixing = (scope: RuleScope): Rule[] => RULES.filter((r) => r.scope === scope && r.fix !== undefined);

/**
 * The engine's way through one document: each fixing rule in turn, on what the rules before it
 * made. Every fix's count must be the change of the serialised length; tallies how often each
 * rule's fix changed something.
 */
function expectCountedFixes(rules: Rule[], start: TrustPolicy, ctx: EvaluationContext, tally: Record<string, number>): void {
  const ruleCtx = deriveContext(ctx, start);
  let current = start;
  for (const rule of rules) {
    const findings = rule.check(current, ruleCtx).filter((f) => f.fixable);
    if (findings.length === 0) continue;
    const doc = current.raw;
    const [next, count] = counted(() => rule.fix!(doc, current, findings, ruleCtx));
    expect({ rule: rule.id, count }).toEqual({ rule: rule.id, count: exact(next) - exact(doc) });
    if (next === doc) continue;
    tally[rule.id] = (tally[rule.id] ?? 0) + 1;
    const again = parseFixedPolicy(current, next);
    if (again.ok) current = again.policy;
  }
}

describe('the length ledger', () => {
  it("counts each trust-policy rule's fix to the character, alone and after the others", () => {
    const tally: Record<string, number> = {};
    fc.assert(
      fc.property(scenarioArb({ maxStatements: 6 }), ({ policy, ctx }) => {
        expectCountedFixes(fixing('trust-policy'), parsed(JSON.stringify(policy)), ctx, tally);
      }),
      { numRuns: NUM_RUNS },
    );
    // Every fixing rule changed documents, many times (seeds 1-5 gave at least 128 each at 1,000 runs, the target-role rules at least 576).
    for (const rule of fixing('trust-policy')) expect({ rule: rule.id, fixed: (tally[rule.id] ?? 0) > NUM_RUNS / 40 }).toEqual({ rule: rule.id, fixed: true });
  });

  it("counts each target-role rule's fix to the character", () => {
    const tally: Record<string, number> = {};
    const caseArb = envArb.chain((env) =>
      fc.record({
        target: trustPolicyArb(env, { kinds: ['cross-account', 'mixed', 'pod-identity', 'deny'], maxStatements: 4 }),
        ctx: contextArb(env),
        roleArn: roleArnArb(env),
        targetRoleArn: roleArnArb(env),
        externalId: fc.option(fc.constantFrom('a1b2c3d4-ext', 'with "quotes" and é'), { nil: undefined }),
        // A statement trusting the association's role by its ARN for sts:AssumeRole only, first or last.
        trustsRole: fc.option(fc.record({ action: fc.constantFrom<string | string[]>('sts:AssumeRole', ['sts:AssumeRole'], 'STS:assumerole'), first: fc.boolean() }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ target, ctx, roleArn, targetRoleArn, externalId, trustsRole }) => {
        const association = { roleArn, targetRoleArn, externalId, clusterName: 'c', namespace: 'ns', serviceAccount: 'sa' };
        if (trustsRole) {
          const own = { Effect: 'Allow', Principal: { AWS: roleArn }, Action: trustsRole.action };
          const others = Array.isArray(target.Statement) ? target.Statement : [target.Statement];
          target = { ...target, Statement: trustsRole.first ? [own, ...others] : [...others, own] };
        }
        const text = JSON.stringify(target);
        expectCountedFixes(fixing('target-role'), parsed(text), { ...ctx, association, targetRole: { trustPolicy: text } }, tally);
      }),
      { numRuns: NUM_RUNS },
    );
    for (const rule of fixing('target-role')) expect({ rule: rule.id, fixed: (tally[rule.id] ?? 0) > NUM_RUNS / 40 }).toEqual({ rule: rule.id, fixed: true });
  });

  // Statements as the helpers may meet them: spellings in any case, strings or lists, values
  // that JSON escapes (quotes, control characters, lone surrogates, non-ASCII).
  const text = fc.oneof(fc.constantFrom('sts:AssumeRole', 'sts:TagSession', 'a"b', 'x\\y', 'l\u0001', '\ud800', 'é😀', ''), fc.string({ maxLength: 6 }));
  const values = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }));
  const operator = fc.constantFrom('StringEquals', 'stringequals', 'ArnLike', 'StringLike', 'Null');
  const conditionKey = fc.constantFrom('aws:SourceArn', 'AWS:SourceArn', 'aws:SourceAccount', 'sts:ExternalId', 'oidc.example/id/X:aud');
  const statementArb: fc.Arbitrary<JsonStatement> = fc.record(
    {
      Sid: text,
      Effect: fc.constantFrom('Allow', 'Deny'),
      Principal: fc.oneof(fc.constant('*'), fc.record({ AWS: values }), fc.record({ Service: values, Federated: values }, { requiredKeys: [] })),
      Action: values,
      NotAction: values,
      Condition: fc.dictionary(operator, fc.dictionary(conditionKey, values, { maxKeys: 3 }), { maxKeys: 3 }),
    },
    { requiredKeys: ['Effect'] },
  );
  const editArb = fc.oneof(
    fc.record({ kind: fc.constant('setCondition' as const), operator, key: conditionKey, values: fc.array(text, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('removeCondition' as const), operator, key: conditionKey }),
    fc.record({ kind: fc.constant('addActions' as const), actions: fc.array(fc.constantFrom('sts:TagSession', 'STS:TAGSESSION', 'sts:AssumeRole', 'x"y'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ kind: fc.constant('setActions' as const), actions: fc.array(text, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('replaceMember' as const), key: fc.constantFrom('Principal', 'Sid', 'Condition', 'New'), value: values }),
  );

  it('counts every edit helper to the character, whatever the statement holds', () => {
    fc.assert(
      fc.property(statementArb, editArb, (s, e) => {
        const [next, count] = counted(() => {
          switch (e.kind) {
            case 'setCondition':
              return setCondition(s, e.operator, e.key, e.values);
            case 'removeCondition':
              return removeCondition(s, e.operator, e.key);
            case 'addActions':
              return addActions(s, e.actions);
            case 'setActions':
              return setActions(s, e.actions);
            case 'replaceMember':
              return replaceMember(s, e.key, e.value);
          }
        });
        expect(count).toBe(exact(next) - exact(s));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('counts the document edits: Version set, statements removed', () => {
    const docArb = fc.record(
      {
        Version: fc.constantFrom('2008-10-17', '2012-10-17'),
        Id: text,
        Statement: fc.oneof(statementArb, fc.array(statementArb, { minLength: 1, maxLength: 4 })),
      },
      { requiredKeys: ['Statement'] },
    );
    fc.assert(
      fc.property(docArb, fc.uniqueArray(fc.nat(4), { maxLength: 4 }), (doc: PolicyDocument, drop) => {
        const [versioned, v] = counted(() => withVersion(doc, '2012-10-17'));
        expect(v).toBe(exact(versioned) - exact(doc));
        const [fewer, r] = counted(() => removeStatements(doc, new Set(drop)));
        expect(r).toBe(exact(fewer) - exact(doc));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('counts nothing unless asked to (object input, or outside a fix)', () => {
    const s: JsonStatement = { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' };
    startLedger(false);
    addActions(s, ['sts:TagSession']);
    expect(endLedger()).toBeNull();
    addActions(s, ['sts:TagSession']);
    expect(endLedger()).toBeNull();
    startLedger(true);
    expect(endLedger()).toBe(0);
  });
});

describe("the engine's length limit", () => {
  /** Ways of writing the same document that change the text's length but not what it parses to. */
  const spellingArb = fc.constantFrom<(doc: PolicyDocument) => string>(
    (d) => JSON.stringify(d),
    (d) => JSON.stringify(d, null, 2),
    (d) => encodeURIComponent(JSON.stringify(d)),
    (d) => `  ${JSON.stringify(d)}\n`,
    // Escaped solidus and unicode escapes: longer text, same strings.
    (d) => JSON.stringify(d).replace(/\//g, '\\/').replace(/a/g, '\\u0061'),
  );

  it('rejects a fix one character over the limit and writes it at the limit, however the text is spelled', () => {
    let fixed = 0;
    fc.assert(
      fc.property(scenarioArb({ maxStatements: 6 }), spellingArb, ({ policy, ctx }, spell) => {
        const text = spell(policy);
        const open = evaluate(text, { ...ctx, maxPolicyLength: 100_000 });
        if (!open.fixedPolicy) return;
        fixed++;
        const length = serializedLength(open.fixedPolicy);
        const over = evaluate(text, { ...ctx, maxPolicyLength: length - 1 });
        const at = evaluate(text, { ...ctx, maxPolicyLength: length });
        expect(over.fixedPolicy).toBeNull();
        expect(over.fixRejected).toBe(`the fixed trust policy would be ${length} characters, over the ${length - 1}-character limit; nothing is written`);
        expect(at.fixRejected).toBeUndefined();
        expect(at.fixedPolicy).toEqual(open.fixedPolicy);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(fixed).toBeGreaterThan(NUM_RUNS / 4);
  });

  it("holds a target role's fixed policy to the limit too", () => {
    // Prepare: a target role trusting the association's role without sts:TagSession.
    const roleArn = 'arn:aws:iam::111122223333:role/source';
    const trustPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'sts:AssumeRole' }] });
    const ctx: EvaluationContext = {
      roleArn,
      association: { roleArn, targetRoleArn: 'arn:aws:iam::444455556666:role/target', clusterName: 'c', namespace: 'ns', serviceAccount: 'sa' },
      targetRole: { trustPolicy },
    };
    const open = evaluate(undefined, { ...ctx, maxPolicyLength: 100_000 });
    expect(open.fixedTargetPolicy).toBeTruthy();
    const length = serializedLength(open.fixedTargetPolicy!);
    expect(length).toBeGreaterThan(trustPolicy.length);
    // Act
    const over = evaluate(undefined, { ...ctx, maxPolicyLength: length - 1 });
    const at = evaluate(undefined, { ...ctx, maxPolicyLength: length });
    // Assess
    expect(over.fixRejected).toBe(`the fixed target-role trust policy would be ${length} characters, over the ${length - 1}-character limit; nothing is written`);
    expect(over.fixedTargetPolicy).toBeNull();
    expect(at.fixRejected).toBeUndefined();
    expect(at.fixedTargetPolicy).toEqual(open.fixedTargetPolicy);
  });

  it("bounds the text's own JSON by its length only without numbers and raw lone surrogates", () => {
    expect(textBoundsItsJson('{"Sid":"a\\ud800"}', false)).toBe(true);
    expect(textBoundsItsJson('{"Sid":"a\ud800"}', false)).toBe(false);
    expect(textBoundsItsJson('{"Sid":"😀"}', false)).toBe(false);
    expect(textBoundsItsJson('{"Sid":"a"}', true)).toBe(false);
    // Why: a raw lone surrogate serialises as a six-character escape.
    expect(exact(JSON.parse('{"Sid":"a\ud800"}'))).toBeGreaterThan('{"Sid":"a\ud800"}'.length);
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
    const length = serializedLength(open.fixedPolicy!);
    expect(text.length).toBeLessThan(length - 10 * 2);
    // Act
    const over = evaluate(text, { ...ctx, maxPolicyLength: length - 1 });
    const at = evaluate(text, { ...ctx, maxPolicyLength: length });
    // Assess
    expect(over.fixRejected).toMatch(/over the \d+-character limit/);
    expect(over.fixedPolicy).toBeNull();
    expect(at.fixRejected).toBeUndefined();
    expect(at.fixedPolicy).not.toBeNull();
  });
});

describe('lengthDelta', () => {
  it('is the difference of the serialised lengths, shared subtrees or not', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, fc.string(), (a, b, key) => {
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
