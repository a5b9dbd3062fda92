/**
 * The engine skips a rule whose `appliesTo` says no (lib/engine.ts runCheck). That is only an
 * optimisation if the rule, asked anyway, would have found nothing: this holds every rule to it,
 * over generated policies of every kind, and checks the statement flags it reads.
 */
import fc from 'fast-check';
import { deriveContext } from '../../../lib/engine';
import { parsePolicy, StatementFlags, type TrustPolicy } from '../../../lib/policy/normalize';
import { RULES } from '../../../lib/rules';
import { scenarioArb } from '../../support/arbitraries';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS) || 1000;
const FILTERED = RULES.filter((r) => r.appliesTo !== undefined);

function parsed(doc: unknown): TrustPolicy {
  const r = parsePolicy(doc);
  if (!r.ok) throw new Error(`expected a valid policy: ${r.problems[0].message}`);
  return r.policy;
}

describe('statement flags', () => {
  it('are set for every spelling IAM accepts', () => {
    const p = parsed({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: ['EKS-FARGATE-PODS.amazonaws.com', 'pods.eks.amazonaws.com.cn'] }, Action: 'STS:*' },
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com', AWS: '111122223333' }, NotAction: 'sts:TagSession' },
        { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/x' }, Action: 'sts:AssumeRoleWithWebIdentity' },
        { Effect: 'Allow', NotPrincipal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: '*' },
        { Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole'] },
      ],
    });
    const F = StatementFlags;
    expect(p.statements.map((s) => s.flags)).toEqual([
      F.ALLOW | F.SERVICE_FARGATE | F.SERVICE_POD_IDENTITY | F.WILDCARD_ACTION,
      F.ALLOW | F.SERVICE_EC2 | F.AWS | F.WILDCARD_ACTION,
      F.ALLOW | F.FEDERATED,
      F.ALLOW | F.NOT_PRINCIPAL,
      F.PRINCIPAL_WILDCARD | F.WILDCARD_ACTION,
      F.ALLOW | F.SERVICE_EKS,
    ]);
    // The Deny statement's bits are not the Allow statements' bits.
    expect(p.allowFlags & F.PRINCIPAL_WILDCARD).toBe(0);
    expect(p.allowFlags).toBe(p.statements.filter((s) => s.effect === 'Allow').reduce((f, s) => f | s.flags, 0));
  });

  it('AWS "*" sets the wildcard bit as Principal "*" does', () => {
    const p = parsed({ Statement: { Effect: 'Allow', Principal: { AWS: ['111122223333', '*'] }, Action: 'sts:AssumeRole' } });
    expect(p.allowFlags & StatementFlags.PRINCIPAL_WILDCARD).not.toBe(0);
  });
});

describe('appliesTo', () => {
  it('is declared by the rules that read only some kinds of statement', () => {
    expect(FILTERED.map((r) => r.id).sort()).toEqual(
      [
        'fargate-role-shared',
        'fargate-source-arn',
        'foreign-root-no-condition',
        'irsa-aud-missing',
        'irsa-provider-mismatch',
        'irsa-sub-missing',
        'irsa-sub-wildcard',
        'node-role-cluster-role',
        'not-principal',
        'pod-identity-source-account',
        'pod-identity-tag-session',
        'public-principal',
        'untrusted-account',
        'wildcard-action',
      ].sort(),
    );
  });

  it('says no only where the rule finds nothing', () => {
    const skipped = new Map<string, number>(FILTERED.map((r) => [r.id, 0]));
    fc.assert(
      fc.property(scenarioArb({ maxStatements: 4 }), ({ policy: doc, ctx }) => {
        const r = parsePolicy(doc);
        if (!r.ok) return;
        const rc = deriveContext(ctx, r.policy);
        for (const rule of FILTERED) {
          if (rule.appliesTo!(r.policy.allowFlags)) continue;
          skipped.set(rule.id, skipped.get(rule.id)! + 1);
          expect({ rule: rule.id, findings: rule.check(r.policy, rc) }).toEqual({ rule: rule.id, findings: [] });
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Every filter was exercised (said no at least once), or the property proved nothing for it.
    for (const [id, n] of skipped) expect({ id, exercised: n > 0 }).toEqual({ id, exercised: true });
  });
});
