/**
 * The five guarantees every automatic fix gives (spec/RULES.md, "What every automatic fix must
 * guarantee"), each as a property over realistic EKS trust policies and contexts. The model of
 * grants and the statement correspondence live in ./model.ts.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { DEFAULT_MAX_POLICY_LENGTH, deriveContext, evaluate } from '../../lib/engine';
import { parsePolicy, type TrustPolicy } from '../../lib/policy/normalize';
import type { EvaluationContext, EvaluationResult, PolicyDocument, RuleId } from '../../lib/policy/types';
import { RULES } from '../../lib/rules';
import { scenarioArb, type Scenario } from '../support/arbitraries';
import { alignStatements, loosenedConditions, lostDenies, widenedPairs } from './model';

/** 1,000 runs each by default; PROPERTY_RUNS=20000 for a deeper search by hand. */
const NUM_RUNS = Number(process.env.PROPERTY_RUNS) || 1000;
const RUNS: fc.Parameters<[Scenario]> = { numRuns: NUM_RUNS };

/**
 * Counterexamples fast-check found, replayed on every run. Two ArnLike blocks spelled differently
 * ("ArnLike", "ArnLikE"): the fargate-source-arn fix narrows the second one, but
 * lib/policy/edit.ts setCondition matches operator and key case-insensitively and writes into
 * the first block, replacing its exact cluster pin with the account-wide pattern (a widening).
 */
const KNOWN_COUNTEREXAMPLES: [Scenario][] = [
  [
    {
      env: { partition: 'aws-us-gov', account: '111122223333', region: 'us-gov-west-1', clusters: ['green'], providerIds: ['3A3831FCFBF9FAEC118FDD9E1CF87D72'] },
      ctx: { roleArn: 'arn:aws-us-gov:iam::111122223333:role/prod' },
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Condition: {
              ArnLike: { 'aws:SourceArn': 'arn:aws-us-gov:eks:us-gov-west-1:111122223333:fargateprofile/green/*' },
              ArnLikE: { 'aws:SourceArn': ['arn:aws-us-gov:eks:us-gov-west-1:444455556666:fargateprofile/green/*', 'arn:aws-us-gov:eks:*:111122223333:fargateprofile/*'] },
            },
            Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
            Action: ['sts:AssumeRole'],
          },
        ],
      },
    },
  ],
];

/**
 * Same cause, seen by convergence: the fix's write lands on "aws:SourceArn", which already holds
 * the value, so the document does not change, yet the finding stays `fixable: true` with no
 * fixed policy (the engine only downgrades unresolved findings when some fix was produced).
 */
const KNOWN_CONVERGENCE_COUNTEREXAMPLES: [Scenario][] = [
  [
    {
      env: { partition: 'aws-cn', account: '111122223333', region: 'cn-north-1', clusters: ['prod-154'], providerIds: ['F1F1A595A19013C53B0F8F3CD7CA370E'] },
      ctx: { roleArn: 'arn:aws-cn:iam::111122223333:role/prod' },
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Condition: {
              ArnLike: {
                'aws:SourceArn': 'arn:aws-cn:eks:*:111122223333:fargateprofile/*',
                'aws:SourceArN': ['arn:aws-cn:eks:cn-north-1:*:fargateprofile/prod-154/*', 'arn:aws-cn:eks:*:111122223333:fargateprofile/*'],
              },
            },
            Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
            Action: ['sts:SetContext'],
          },
        ],
      },
    },
  ],
];

function parsed(doc: unknown): TrustPolicy {
  const p = parsePolicy(doc);
  if (!p.ok) throw new Error(`not a valid policy: ${p.problems.map((x) => x.message).join('; ')}`);
  return p.policy;
}

function statementsOf(doc: PolicyDocument): unknown[] {
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

interface Fixability {
  /** Statements (original indexes) with a fixable finding of some rule. */
  touched: Set<number>;
  /** Statements `untrusted-account` may drop. */
  droppable: Set<number>;
  /** Rules with a fixable document-level (statement: null) finding. */
  documentLevel: Set<RuleId>;
}

/**
 * What the rules themselves say is fixable in the original, before the engine decides which
 * fixes resolved their rule (the engine reports a partly resolved rule's findings as not
 * fixable, yet may have applied the resolved part).
 */
function fixability(policy: TrustPolicy, ctx: EvaluationContext): Fixability {
  const rctx = deriveContext(ctx, policy);
  const out: Fixability = { touched: new Set(), droppable: new Set(), documentLevel: new Set() };
  for (const rule of RULES) {
    if (rule.scope !== 'trust-policy' || !rule.fix) continue;
    let findings;
    try {
      findings = rule.check(policy, rctx);
    } catch {
      continue;
    }
    for (const f of findings) {
      if (!f.fixable) continue;
      if (f.statement === null) out.documentLevel.add(rule.id);
      else {
        out.touched.add(f.statement);
        if (rule.id === 'untrusted-account') out.droppable.add(f.statement);
      }
    }
  }
  return out;
}

/** Counts how often a property's interesting branch ran, so that a vacuous pass fails. */
class Tally {
  runs = 0;
  hits = 0;
  note(hit: boolean): void {
    this.runs++;
    if (hit) this.hits++;
  }
}

function withFix(s: Scenario): { r: EvaluationResult; fixed: PolicyDocument } | null {
  const r = evaluate(s.policy, s.ctx);
  return r.fixedPolicy ? { r, fixed: r.fixedPolicy } : null;
}

describe('automatic fixes (spec/RULES.md guarantees)', () => {
  it('1. never widen: no new principal/action pair, no lost Deny, every original condition still constrains', () => {
    // Prepare
    const tally = new Tally();
    // Act / Assess
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const out = withFix(s);
        tally.note(out !== null);
        if (!out) return;
        const original = parsed(s.policy);
        const fixed = parsed(out.fixed);
        expect(widenedPairs(original, fixed)).toEqual([]);
        expect(lostDenies(original, fixed)).toEqual([]);
        const map = alignStatements(original.statements, fixed.statements, fixability(original, s.ctx).droppable);
        expect(map).not.toBeNull();
        map!.forEach((i, j) => {
          expect({ statement: j, loosened: loosenedConditions(original.statements[i], fixed.statements[j]) }).toEqual({ statement: j, loosened: [] });
        });
      }),
      { ...RUNS, examples: KNOWN_COUNTEREXAMPLES },
    );
    expect(tally.hits).toBeGreaterThan(tally.runs / 10);
  });

  it('2. are idempotent: fixing a fixed policy changes nothing', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const out = withFix(s);
        tally.note(out !== null);
        if (!out) return;
        const again = evaluate(out.fixed, s.ctx);
        if (again.fixedPolicy !== null) expect(again.fixedPolicy).toStrictEqual(out.fixed);
      }),
      RUNS,
    );
    expect(tally.hits).toBeGreaterThan(tally.runs / 10);
  });

  it('3. converge: the fixed policy no longer shows the fixed findings, and every finding left fixable was fixed', () => {
    // A rule may report fixable and unfixable findings side by side; fixedRuleIds lists it when
    // its fixable ones are resolved. So, for each fixed rule, what the fixed policy still shows
    // must be nothing fixable, and no more findings than the rule had unfixable ones.
    const tally = new Tally();
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const r = evaluate(s.policy, s.ctx);
        const fixable = r.findings.filter((f) => f.fixable);
        tally.note(r.fixedPolicy !== null);
        if (r.fixRejected) return;
        // A finding still marked fixable must be resolved by the returned fix.
        if (fixable.length > 0) expect(r.fixedPolicy).not.toBeNull();
        for (const f of fixable) expect(r.fixedRuleIds).toContain(f.ruleId);
        if (!r.fixedPolicy) return;
        const again = evaluate(r.fixedPolicy, s.ctx);
        const problems: string[] = [];
        for (const id of r.fixedRuleIds) {
          const before = r.findings.filter((f) => f.ruleId === id && !f.subject);
          const after = again.findings.filter((f) => f.ruleId === id && !f.subject);
          if (after.some((f) => f.fixable)) problems.push(`${id} is still fixable after its fix: ${after.map((f) => f.message).join(' | ')}`);
          const unfixableBefore = before.filter((f) => !f.fixable).length;
          if (after.length > unfixableBefore) problems.push(`${id}: ${after.length} findings after the fix, ${unfixableBefore} unfixable before: ${after.map((f) => f.message).join(' | ')}`);
        }
        expect(problems).toEqual([]);
      }),
      { ...RUNS, examples: KNOWN_CONVERGENCE_COUNTEREXAMPLES },
    );
    expect(tally.hits).toBeGreaterThan(tally.runs / 10);
  });

  it('4. are minimal: statements no fix touches come out unchanged, in order, and only untrusted-account drops statements', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const out = withFix(s);
        tally.note(out !== null);
        if (!out) return;
        const original = parsed(s.policy);
        const fixed = parsed(out.fixed);
        const fx = fixability(original, s.ctx);
        const map = alignStatements(original.statements, fixed.statements, fx.droppable);
        expect(map).not.toBeNull();
        const originalRaw = statementsOf(s.policy);
        const fixedRaw = statementsOf(out.fixed);
        const problems: string[] = [];
        originalRaw.forEach((st, i) => {
          const j = map!.indexOf(i);
          if (j < 0 && !fx.droppable.has(i)) problems.push(`statement ${i} was dropped, but no untrusted-account fix applies to it`);
          if (j >= 0 && !fx.touched.has(i) && !isDeepStrictEqual(fixedRaw[j], st)) {
            problems.push(`statement ${i} has no fixable finding but changed: ${JSON.stringify(st)} -> ${JSON.stringify(fixedRaw[j])}`);
          }
        });
        // Outside Statement, only Version may change, and only through policy-version.
        for (const key of new Set([...Object.keys(s.policy), ...Object.keys(out.fixed)])) {
          if (key === 'Statement') continue;
          if (key === 'Version' && fx.documentLevel.has('policy-version')) continue;
          if (!isDeepStrictEqual(s.policy[key], out.fixed[key])) problems.push(`top-level ${key} changed`);
        }
        // The list form is kept (a single-object Statement stays an object while it has one statement).
        if (Array.isArray(s.policy.Statement)) {
          if (!Array.isArray(out.fixed.Statement)) problems.push('Statement list became an object');
        } else if (fixedRaw.length === 1 && Array.isArray(out.fixed.Statement)) problems.push('Statement object became a list');
        expect(problems).toEqual([]);
      }),
      RUNS,
    );
    expect(tally.hits).toBeGreaterThan(tally.runs / 10);
  });

  it('5a. fit the default limit: a returned fix is at most 2048 characters, compact', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(scenarioArb({ maxStatements: 8 }), (s) => {
        const r = evaluate(s.policy, s.ctx);
        tally.note(r.fixedPolicy !== null);
        if (r.fixedPolicy) expect(JSON.stringify(r.fixedPolicy).length).toBeLessThanOrEqual(DEFAULT_MAX_POLICY_LENGTH);
        if (r.fixRejected) expect(r.fixedPolicy).toBeNull();
      }),
      RUNS,
    );
    expect(tally.hits).toBeGreaterThan(tally.runs / 10);
  });

  it('5b. fit a small limit: a fix over the limit is withheld and fixRejected says why', () => {
    // Prepare: the limit falls just below or just above the length of the unconstrained fix.
    const rejected = new Tally();
    fc.assert(
      fc.property(scenarioArb(), fc.integer({ min: -60, max: 60 }), (s, delta) => {
        const unconstrained = evaluate(s.policy, { ...s.ctx, maxPolicyLength: Number.MAX_SAFE_INTEGER });
        if (!unconstrained.fixedPolicy) return;
        const length = JSON.stringify(unconstrained.fixedPolicy).length;
        const limit = Math.max(1, length + delta);
        // Act
        const r = evaluate(s.policy, { ...s.ctx, maxPolicyLength: limit });
        // Assess
        rejected.note(length > limit);
        if (length <= limit) {
          expect(r.fixedPolicy).toStrictEqual(unconstrained.fixedPolicy);
          expect(r.fixRejected).toBeUndefined();
          expect(JSON.stringify(r.fixedPolicy).length).toBeLessThanOrEqual(limit);
        } else {
          expect(r.fixedPolicy).toBeNull();
          expect(r.fixedRuleIds).toEqual([]);
          expect(r.fixRejected).toEqual(expect.stringContaining(String(limit)));
          expect(r.fixRejected).toEqual(expect.stringContaining(String(length)));
          // The findings are still reported.
          expect(r.findings.map((f) => f.ruleId)).toEqual(unconstrained.findings.map((f) => f.ruleId));
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(rejected.hits).toBeGreaterThan(50);
    expect(rejected.runs - rejected.hits).toBeGreaterThan(50);
  });

  it('never mutate the policy or the context they are given', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const policy = structuredClone(s.policy);
        const ctx = structuredClone(s.ctx);
        evaluate(s.policy, s.ctx);
        expect(s.policy).toStrictEqual(policy);
        expect(s.ctx).toStrictEqual(ctx);
      }),
      RUNS,
    );
  });

  it('never make a rule or a fix throw on a realistic policy', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const r = evaluate(s.policy, s.ctx);
        const crashed = r.findings.filter((f) => /could not evaluate this policy|policy could not be evaluated|the automatic fix failed/.test(f.message));
        expect(crashed.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
        expect(r.findings.filter((f) => f.ruleId === 'policy-invalid')).toEqual([]);
      }),
      RUNS,
    );
  });
});
