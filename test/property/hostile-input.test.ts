/**
 * Hostile input: whatever evaluate() is handed (any JS value, JSON or URL-encoded text, garbage,
 * deep nesting, huge arrays, cycles, throwing getters), it never throws, returns a well-formed
 * result, and reports a document IAM would reject as policy-invalid with a message naming the
 * place. Time is bounded by the size of each case (no timer assertions): every case here stays
 * within what a trust policy could ever be, times a large factor.
 */
import fc from 'fast-check';
import { evaluate } from '../../lib/engine';
import { MAX_INPUT_CHARS } from '../../lib/policy/normalize';
import { RULE_IDS, SEVERITIES, type EvaluationResult, type PolicyDocument } from '../../lib/policy/types';
import {
  anyContextArb,
  anythingArb,
  deepNested,
  deepNestedText,
  garbageStringArb,
  hugeArray,
  jsonValueArb,
  longStringArb,
  urlEncodedGarbageArb,
  wrongTypeCaseArb,
} from '../support/arbitraries';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS) || 2000;
const ROLE = { roleArn: 'arn:aws:iam::111122223333:role/app' };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const RULE_ID_SET = new Set<string>(RULE_IDS);
const SEVERITY_SET = new Set<string>(SEVERITIES);

/** The result has the documented shape whatever the input (one assertion: findings may be 10^5). */
function expectWellFormed(r: EvaluationResult): void {
  expect(Array.isArray(r.findings)).toBe(true);
  const malformed = r.findings.filter(
    (f) =>
      !RULE_ID_SET.has(f.ruleId) ||
      !SEVERITY_SET.has(f.severity) ||
      typeof f.message !== 'string' ||
      f.message.length === 0 ||
      !(f.statement === null || Number.isInteger(f.statement)) ||
      typeof f.fixable !== 'boolean',
  );
  expect(malformed).toEqual([]);
  expect(r.fixedPolicy === null || isPlainObject(r.fixedPolicy)).toBe(true);
  expect(Array.isArray(r.fixedRuleIds)).toBe(true);
}

function invalidMessages(r: EvaluationResult): string[] {
  return r.findings.filter((f) => f.ruleId === 'policy-invalid').map((f) => f.message);
}

/** Rejected outright: policy-invalid, nothing fixed. */
function expectInvalid(r: EvaluationResult, messagePattern?: RegExp): void {
  expectWellFormed(r);
  const messages = invalidMessages(r);
  expect(messages.length).toBeGreaterThan(0);
  if (messagePattern) expect(messages.some((m) => messagePattern.test(m))).toBe(true);
  expect(r.fixedPolicy).toBeNull();
  expect(r.fixedRuleIds).toEqual([]);
}

/** Evaluated without a crash: either rejected as policy-invalid or evaluated into findings. */
function expectInvalidOrFindings(r: EvaluationResult): void {
  expectWellFormed(r);
  if (invalidMessages(r).length > 0) expect(r.fixedPolicy).toBeNull();
  else expect(r.findings.length).toBeGreaterThanOrEqual(0);
}

function ok(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
}

function withStatement0(patch: Record<string, unknown>): PolicyDocument {
  const doc = ok();
  return { ...doc, Statement: [{ ...(doc.Statement as Record<string, unknown>[])[0], ...patch }] };
}

describe('evaluate() on hostile input', () => {
  it('any JS value: never throws, never fixes, policy-invalid naming what it got', () => {
    fc.assert(
      fc.property(anythingArb, anyContextArb, (v, ctx) => {
        const r = evaluate(v, ctx);
        expectInvalid(r);
        if (typeof v !== 'string' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
          expect(invalidMessages(r)).toEqual([expect.stringMatching(/^policy must be a JSON object, got /)]);
        } else if (isPlainObject(v) && !('Statement' in v)) {
          expect(invalidMessages(r)).toContain('policy has no Statement');
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('any JSON value, as an object, as JSON text and as URL-encoded text, reads the same', () => {
    fc.assert(
      fc.property(jsonValueArb, (v) => {
        const text = JSON.stringify(v);
        const asObject = evaluate(v, ROLE);
        const asText = evaluate(text, ROLE);
        const asEncoded = evaluate(encodeURIComponent(text), ROLE);
        for (const r of [asObject, asText, asEncoded]) expectInvalid(r);
        if (isPlainObject(v) || Array.isArray(v)) {
          expect(invalidMessages(asText)).toEqual(invalidMessages(asObject));
          expect(invalidMessages(asEncoded)).toEqual(invalidMessages(asObject));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('one field of a realistic policy of the wrong type: policy-invalid naming the place, in every encoding', () => {
    fc.assert(
      fc.property(wrongTypeCaseArb, (c) => {
        const text = JSON.stringify(c.policy);
        for (const input of [c.policy, text, encodeURIComponent(text)]) {
          const r = evaluate(input, ROLE);
          expectInvalid(r);
          const named = r.findings.filter((f) => f.ruleId === 'policy-invalid' && f.message.includes(c.place) && f.statement === c.statement);
          expect({ field: c.field, named: named.length > 0, messages: invalidMessages(r) }).toEqual({ field: c.field, named: true, messages: expect.any(Array) });
        }
      }),
      // Three documents per run.
      { numRuns: Math.ceil(NUM_RUNS / 2) },
    );
  });

  it('garbage strings: policy-invalid naming the problem, never a crash', () => {
    fc.assert(
      fc.property(garbageStringArb, (s) => {
        const r = evaluate(s, ROLE);
        expectInvalid(r, /^(not valid JSON: |policy must be a JSON object, got |document is empty$|policy has no Statement$|unknown top-level element )/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('URL-encoded text (of policies, JSON values or garbage; twice encoded; cut mid-escape): never a crash', () => {
    fc.assert(
      fc.property(urlEncodedGarbageArb, (s) => {
        const r = evaluate(s, ROLE);
        expectInvalidOrFindings(r);
        expect(invalidMessages(r).filter((m) => m.startsWith('policy could not be evaluated'))).toEqual([]);
        // Text that does not decode to a JSON object can only be policy-invalid.
        let decoded: unknown;
        try {
          decoded = JSON.parse(decodeURIComponent(s));
        } catch {
          decoded = undefined;
        }
        if (!isPlainObject(decoded)) expectInvalid(r);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('long strings: over the input cap they are refused by size, under it they are parsed', () => {
    fc.assert(
      fc.property(longStringArb, (s) => {
        const r = evaluate(s, ROLE);
        expectInvalid(r, s.length > MAX_INPUT_CHARS ? /characters, larger than any trust policy/ : /not valid JSON|must be a JSON object|empty/);
      }),
      { numRuns: 200 },
    );
  });

  describe('deep nesting (100,000 levels, built iteratively)', () => {
    const DEPTH = 100_000;
    const cases: [string, () => unknown, RegExp][] = [
      ['the whole input is a deep array', () => deepNested(DEPTH, 'array'), /^policy must be a JSON object, got an array$/],
      ['the whole input is a deep object', () => deepNested(DEPTH, 'object'), /^policy has no Statement$/],
      ['Statement inside Statement', () => deepNested(DEPTH, 'statement'), /^Statement\[0\] has no Effect$/],
      ['Statement is a deep array', () => ({ Version: '2012-10-17', Statement: deepNested(DEPTH) }), /^Statement\[0\] is not an object$/],
      ['Principal.AWS is a deep array', () => withStatement0({ Principal: { AWS: deepNested(DEPTH) } }), /^Statement\[0\]\.Principal\.AWS must be/],
      ['Principal is a deep object', () => withStatement0({ Principal: deepNested(DEPTH, 'object') }), /^Statement\[0\]\.Principal has an unknown key "a"/],
      ['Action is a deep array', () => withStatement0({ Action: deepNested(DEPTH) }), /^Statement\[0\]\.Action must be/],
      ['a condition value is a deep array', () => withStatement0({ Condition: { StringEquals: { 'aws:SourceAccount': deepNested(DEPTH) } } }), /^Statement\[0\]\.Condition\.StringEquals\.aws:SourceAccount must be/],
      ['a condition block is a deep array', () => withStatement0({ Condition: { StringEquals: deepNested(DEPTH) } }), /^Statement\[0\]\.Condition\.StringEquals must be/],
      ['Sid is a deep object', () => withStatement0({ Sid: deepNested(DEPTH, 'object') }), /^Statement\[0\]\.Sid must be a string$/],
    ];

    it.each(cases)('%s: policy-invalid naming the place', (_label, make, pattern) => {
      // Prepare
      const input = make();
      // Act
      const r = evaluate(input, ROLE);
      // Assess
      expectInvalid(r, pattern);
    });

    // Version and Effect are quoted in their message with JSON.stringify, which throws RangeError
    // on deep values: the engine's last-resort catch reports it, so the outcome is still
    // policy-invalid, but without the place (see the report: normalize.ts should describe the
    // value without serialising it whole).
    const quoted: [string, () => unknown][] = [
      ['Version is a deep array', () => ({ ...ok(), Version: deepNested(DEPTH) })],
      ['Effect is a deep object', () => withStatement0({ Effect: deepNested(DEPTH, 'object') })],
    ];
    it.each(quoted)('%s: policy-invalid', (_label, make) => {
      expectInvalid(evaluate(make(), ROLE));
    });

    // Places the parser does not type-check today (Id, unknown statement elements): the document
    // reaches the rules, and JSON.stringify of it throws RangeError inside them.
    const unchecked: [string, () => unknown][] = [
      ['Id is a deep array', () => ({ ...ok(), Id: deepNested(DEPTH) })],
      ['an unknown statement element is a deep object', () => withStatement0({ Comment: deepNested(DEPTH, 'object') })],
      ['Id is a deep array, nothing to fix', () => ({ Version: '2012-10-17', Id: deepNested(DEPTH), Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' } })],
    ];
    it.each(unchecked)('%s: no crash, policy-invalid or findings', (_label, make) => {
      const r = evaluate(make(), ROLE);
      expectInvalidOrFindings(r);
    });

    it('deep JSON text just under the input cap parses or is refused, never throws', () => {
      // Prepare: 30,000 levels is 60,006 characters, under MAX_INPUT_CHARS.
      const depth = 30_000;
      const deep = deepNestedText(depth);
      expect(deep.length).toBeLessThan(MAX_INPUT_CHARS);
      // Act / Assess
      expectInvalid(evaluate(deep, ROLE), /^policy must be a JSON object, got an array$|not valid JSON/);
      expectInvalid(evaluate(`{"Version":"2012-10-17","Statement":${deep}}`, ROLE), /^Statement\[0\] is not an object$|not valid JSON/);
      expectInvalidOrFindings(evaluate(`{"Version":"2012-10-17","Id":${deep},"Statement":{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}}`, ROLE));
      const encoded = encodeURIComponent(deepNestedText(10_000));
      expect(encoded.length).toBeLessThan(MAX_INPUT_CHARS);
      expectInvalid(evaluate(encoded, ROLE), /^policy must be a JSON object, got an array$|not valid JSON/);
    });

    it('deep text over the input cap is refused by size before parsing', () => {
      const r = evaluate(deepNestedText(DEPTH), ROLE);
      expectInvalid(r, /^document is 200003 characters, larger than any trust policy IAM accepts$/);
    });
  });

  describe('huge arrays', () => {
    /**
     * A hang guard, not a speed target: jest cannot time out synchronous code, so a quadratic
     * walk over 100,000 values (once 200 s: distinct accounts searched in a growing text) would
     * pass as slow. Each case takes well under a second; 20 s leaves room for any machine.
     */
    let started = 0;
    beforeEach(() => {
      started = Date.now();
    });
    afterEach(() => {
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('100,000 actions: evaluated, and the fix is withheld as too long', () => {
      // Prepare
      const policy = withStatement0({ Action: hugeArray(100_000, () => 'sts:AssumeRole') });
      // Act
      const r = evaluate(policy, ROLE);
      // Assess
      expectWellFormed(r);
      expect(invalidMessages(r)).toEqual([]);
      expect(r.findings.map((f) => f.ruleId)).toContain('pod-identity-tag-session');
      expect(r.fixedPolicy).toBeNull();
      expect(r.fixRejected).toMatch(/over the 2048-character limit/);
    });

    it('100,000 foreign principals in one statement: evaluated, fix withheld or within the limit', () => {
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: hugeArray(100_000, (i) => `arn:aws:iam::${String(100000000000 + i)}:root`) }, Action: 'sts:AssumeRole' }],
      };
      const r = evaluate(policy, { ...ROLE, trustedAccounts: ['100000000001'] });
      expectWellFormed(r);
      expect(invalidMessages(r)).toEqual([]);
      expect(r.findings.map((f) => f.ruleId)).toContain('untrusted-account');
      if (r.fixedPolicy) expect(JSON.stringify(r.fixedPolicy).length).toBeLessThanOrEqual(2048);
    });

    it('100,000 condition values: evaluated without a crash', () => {
      const policy = withStatement0({ Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': hugeArray(100_000, (i) => String(100000000000 + i)) } } });
      const r = evaluate(policy, ROLE);
      expectWellFormed(r);
      expect(invalidMessages(r)).toEqual([]);
    });

    it('1,000 fixable statements (the most accepted): evaluated, the fix withheld as too long', () => {
      const statement = { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' };
      const r = evaluate({ Version: '2012-10-17', Statement: hugeArray(1_000, () => ({ ...statement })) }, ROLE);
      expectWellFormed(r);
      expect(invalidMessages(r)).toEqual([]);
      expect(r.findings.filter((f) => f.ruleId === 'pod-identity-tag-session')).toHaveLength(1_000);
      expect(r.fixedPolicy).toBeNull();
      expect(r.fixRejected).toMatch(/characters/);
    });

    it('10,000 fixable or 100,000 broken statements: one policy-invalid, never a crash', () => {
      const statement = { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' };
      expectInvalid(evaluate({ Version: '2012-10-17', Statement: hugeArray(10_000, () => ({ ...statement })) }, ROLE), /^Statement has 10000 entries, more than any trust policy IAM accepts$/);
      const r = evaluate({ Version: '2012-10-17', Statement: hugeArray(100_000, (i) => i) }, ROLE);
      expectInvalid(r, /^Statement has 100000 entries/);
      expect(invalidMessages(r)).toHaveLength(1);
    });

    it('an input that is a 100,000-element array: policy-invalid', () => {
      expectInvalid(evaluate(hugeArray(100_000, () => ok()), ROLE), /^policy must be a JSON object, got an array$/);
    });
  });

  describe('objects JSON cannot express', () => {
    it('a cycle through Id or an unknown element: no crash', () => {
      const viaId = ok();
      viaId.Id = viaId;
      const viaStatement = withStatement0({});
      (viaStatement.Statement as Record<string, unknown>[])[0].Self = viaStatement;
      for (const p of [viaId, viaStatement]) expectInvalidOrFindings(evaluate(p, ROLE));
    });

    it('a cycle in a checked place: policy-invalid naming the place', () => {
      const p = withStatement0({});
      const st = (p.Statement as Record<string, unknown>[])[0];
      st.Principal = { AWS: [st] };
      expectInvalid(evaluate(p, ROLE), /^Statement\[0\]\.Principal\.AWS must be/);
    });

    it('a getter that throws or a Proxy that refuses: policy-invalid, never a crash', () => {
      const getter = {};
      Object.defineProperty(getter, 'Statement', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      });
      const proxy = new Proxy(ok(), {
        ownKeys() {
          throw new Error('no keys for you');
        },
      });
      expectInvalid(evaluate(getter, ROLE), /boom/);
      expectInvalid(evaluate(proxy, ROLE), /no keys for you/);
    });
  });
});
