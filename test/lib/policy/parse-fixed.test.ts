/**
 * parseFixedPolicy(previous, doc) takes over what it parsed before (statements a fix left alone,
 * elements and condition values it kept) instead of normalising them again. Whatever it takes
 * over, the answer must be the one parsePolicy(doc) gives.
 */
import fc from 'fast-check';
import { evaluate } from '../../../lib/engine';
import { parseFixedPolicy, parsePolicy, type TrustPolicy } from '../../../lib/policy/normalize';
import type { PolicyDocument } from '../../../lib/policy/types';
import { scenarioArb } from '../../support/arbitraries';

/** The parse without what rules memoise on statements, nor what only a first parse records. */
function comparable(p: TrustPolicy): unknown {
  return {
    raw: p.raw,
    version: p.version,
    statementIsObject: p.statementIsObject,
    allowFlags: p.allowFlags,
    statements: p.statements.map((s) => ({ ...s, memo: undefined, answers: undefined })),
  };
}

function parsed(input: unknown): TrustPolicy {
  const r = parsePolicy(input);
  if (!r.ok) throw new Error(`expected a valid policy: ${JSON.stringify(r.problems)}`);
  return r.policy;
}

function expectSameParse(previous: TrustPolicy, doc: PolicyDocument): void {
  const fresh = parsePolicy(doc);
  const derived = parseFixedPolicy(previous, doc);
  expect(derived.ok).toBe(fresh.ok);
  if (derived.ok && fresh.ok) expect(comparable(derived.policy)).toEqual(comparable(fresh.policy));
  else if (!derived.ok && !fresh.ok) expect(derived.problems).toEqual(fresh.problems);
}

const IRSA = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const base: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${IRSA}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${IRSA}:sub`]: 'system:serviceaccount:apps:web' }, StringLike: { [`${IRSA}:aud`]: ['sts.amazonaws.*'] } },
    },
    { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
  ],
};

describe('parseFixedPolicy', () => {
  it('gives parsePolicy’s answer for every fix the engine makes', () => {
    let fixes = 0;
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        // Prepare
        const r = evaluate(s.policy, s.ctx);
        if (!r.fixedPolicy) return;
        fixes++;
        // Act / Assess
        expectSameParse(parsed(s.policy), r.fixedPolicy);
      }),
      { numRuns: 1000 },
    );
    expect(fixes).toBeGreaterThan(100);
  });

  it.each<[string, (c: Record<string, Record<string, unknown>>) => Record<string, unknown>]>([
    ['a key added to a kept operator block', (c) => ({ ...c, StringEquals: { ...c.StringEquals, [`${IRSA}:aud`]: 'sts.amazonaws.com' } })],
    ['a kept key given a new value', (c) => ({ ...c, StringEquals: { [`${IRSA}:sub`]: 'system:serviceaccount:apps:api' } })],
    ['a key spelled in another case, same value', (c) => ({ ...c, StringEquals: { [`${IRSA.toUpperCase()}:SUB`]: c.StringEquals[`${IRSA}:sub`] } })],
    ['the same block under another operator', (c) => ({ StringLike: c.StringEquals, StringEquals: c.StringLike })],
    ['the same block under another spelling of its operator', (c) => ({ stringequals: c.StringEquals, StringLike: c.StringLike })],
    ['an operator block dropped', (c) => ({ StringEquals: c.StringEquals })],
    ['a new operator block', (c) => ({ ...c, ArnLike: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:111122223333:cluster/*' } })],
    ['a kept value that became invalid', (c) => ({ ...c, StringEquals: { [`${IRSA}:sub`]: [] } })],
    ['an unknown operator', (c) => ({ ...c, StringEqualz: c.StringEquals })],
    ['a block that is no longer an object', (c) => ({ ...c, StringLike: 'sts.amazonaws.com' })],
  ])('gives parsePolicy’s answer when a Condition changes by %s', (_, change) => {
    // Prepare
    const previous = parsed(base);
    const statements = base.Statement as Record<string, unknown>[];
    const edited = { ...statements[0], Condition: change(statements[0].Condition as Record<string, Record<string, unknown>>) };
    const doc: PolicyDocument = { ...base, Statement: [edited, statements[1]] };

    // Act / Assess
    expectSameParse(previous, doc);
  });

  it('takes over a kept value from its own operator when the same key and value sit under two', () => {
    // Prepare
    const audiences = ['sts.amazonaws.com'];
    const doc: PolicyDocument = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${IRSA}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { [`${IRSA}:aud`]: audiences }, StringEquals: { [`${IRSA}:aud`]: audiences } },
      },
    };
    const previous = parsed(doc);
    const st = doc.Statement as Record<string, Record<string, Record<string, unknown>>>;
    const changed = { ...st, Condition: { ...st.Condition, StringEquals: { ...st.Condition.StringEquals, [`${IRSA}:sub`]: 'system:serviceaccount:apps:web' } } };

    // Act / Assess
    expectSameParse(previous, { ...doc, Statement: changed });
  });

  it('takes over a statement a fix left alone, and what it parsed of a kept condition value', () => {
    // Prepare
    const previous = parsed(base);
    const statements = base.Statement as Record<string, unknown>[];
    const condition = statements[0].Condition as Record<string, Record<string, unknown>>;
    const edited = { ...statements[0], Condition: { ...condition, StringEquals: { ...condition.StringEquals, [`${IRSA}:aud`]: 'sts.amazonaws.com' } } };

    // Act
    const r = parseFixedPolicy(previous, { ...base, Statement: [edited, statements[1]] });

    // Assess
    if (!r.ok) throw new Error('expected a valid policy');
    expect(r.policy.statements[1]).toBe(previous.statements[1]);
    const sub = r.policy.statements[0].conditions.find((c) => c.rawKey === `${IRSA}:sub`);
    expect(sub).toBe(previous.statements[0].conditions.find((c) => c.rawKey === `${IRSA}:sub`));
    expect(r.policy.statements[0].conditions.map((c) => c.key)).toEqual([`${IRSA}:sub`.toLowerCase(), `${IRSA}:aud`.toLowerCase(), `${IRSA}:aud`.toLowerCase()]);
  });
});
