import fc from 'fast-check';
import { evaluate } from '../../../lib/engine';
import { globCovers, sourceArnProblem } from '../../../lib/rules/fargate-source-arn';
import {
  ACCOUNT,
  check,
  CN_ROLE_ARN,
  CTX,
  type Doc,
  expectFix,
  findingsOf,
  fixWith,
  GOV_ROLE_ARN,
  OTHER_ACCOUNT,
  policyOf,
  statementList,
} from './eks-rule-support';

const ID = 'fargate-source-arn';
const FARGATE = 'eks-fargate-pods.amazonaws.com';
/** The account-wide target the spec writes when no cluster is known. */
const ACCOUNT_WIDE = `arn:aws:eks:*:${ACCOUNT}:fargateprofile/*`;
/** The value the EKS user guide shows, placeholders as written. */
const DOCS_VALUE = `arn:aws:eks:region-code:${ACCOUNT}:fargateprofile/my-cluster/*`;

function fargate(condition?: Doc, extra: Doc = {}): Doc {
  return {
    ...extra,
    Effect: 'Allow',
    Principal: { Service: FARGATE },
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  };
}

/** A statement no fix touches (Pod Identity, already compliant). */
const POD_IDENTITY = {
  Sid: 'PodIdentity',
  Effect: 'Allow',
  Principal: { Service: 'pods.eks.amazonaws.com' },
  Action: ['sts:AssumeRole', 'sts:TagSession'],
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
};

describe('fargate-source-arn check', () => {
  it.each([
    ['ArnLike with the docs example (region-code placeholder)', { ArnLike: { 'aws:SourceArn': DOCS_VALUE } }],
    ['ArnEquals', { ArnEquals: { 'aws:SourceArn': DOCS_VALUE } }],
    ['StringLike', { StringLike: { 'aws:SourceArn': DOCS_VALUE } }],
    ['StringEquals with an exact profile ARN', { StringEquals: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/a1b2c3d4` } }],
    ['a list of correct values', { ArnLike: { 'aws:SourceArn': [DOCS_VALUE, `arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/other/*`] } }],
    ['any region and cluster of the own account', { ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${ACCOUNT}:fargateprofile/*/*` } }],
    ['the account-wide pattern the fix writes', { ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } }],
    ['operator and key in other cases', { arnlike: { 'AWS:SOURCEARN': DOCS_VALUE } }],
    ['ForAnyValue:ArnLike (an absent key fails it)', { 'ForAnyValue:ArnLike': { 'aws:SourceArn': DOCS_VALUE } }],
  ])('accepts %s', (_name, condition) => {
    // Prepare
    const policy = policyOf([fargate(condition)]);

    // Act
    const findings = check(ID, policy);

    // Assess
    expect(findings).toEqual([]);
  });

  it('accepts the China spelling of the service principal and an aws-cn ARN', () => {
    const policy = policyOf({
      Effect: 'Allow',
      Principal: { Service: 'eks-fargate-pods.amazonaws.com.cn' },
      Action: 'sts:AssumeRole',
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws-cn:eks:cn-north-1:${ACCOUNT}:fargateprofile/my-cluster/*` } },
    });

    expect(check(ID, policy, { roleArn: CN_ROLE_ARN })).toEqual([]);
  });

  it('accepts a GovCloud ARN for a GovCloud role', () => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': `arn:aws-us-gov:eks:us-gov-west-1:${ACCOUNT}:fargateprofile/my-cluster/*` } })]);

    expect(check(ID, policy, { roleArn: GOV_ROLE_ARN })).toEqual([]);
  });

  it('ignores Deny statements and statements for other services', () => {
    const policy = policyOf([
      { Effect: 'Deny', Principal: { Service: FARGATE }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);

    expect(check(ID, policy)).toEqual([]);
  });

  it('reports a statement with no SourceArn condition, saying where, why and what the fix does', () => {
    const policy = policyOf([POD_IDENTITY, fargate(undefined, { Sid: 'Fargate' })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].statement).toBe(1);
    expect(findings[0].fixable).toBe(true);
    expect(findings[0].message).toContain('Statement 1 (Fargate)');
    expect(findings[0].message).toContain('does not pin aws:SourceArn');
    expect(findings[0].message).toContain('confused deputy');
    expect(findings[0].message).toContain(`The automatic fix adds ArnLike aws:SourceArn = ${ACCOUNT_WIDE}`);
  });

  it.each([
    ['ArnLikeIfExists', { ArnLikeIfExists: { 'aws:SourceArn': DOCS_VALUE } }, 'passes when the key is absent'],
    ['ForAllValues:ArnLike', { 'ForAllValues:ArnLike': { 'aws:SourceArn': DOCS_VALUE } }, 'passes when the key is absent'],
    ['ArnNotLike', { ArnNotLike: { 'aws:SourceArn': `arn:aws:eks:*:${OTHER_ACCOUNT}:*` } }, 'does not say which value is allowed'],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:SourceArn': DOCS_VALUE } }, 'is not ArnLike, ArnEquals, StringLike or StringEquals'],
    ['a condition on another key only', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, 'does not pin aws:SourceArn.'],
  ])('does not count %s as a pin', (_name, condition, why) => {
    const findings = check(ID, policyOf([fargate(condition)]));

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(why);
  });

  it.each([
    ['"*"', '*', 'matches every ARN, in any account'],
    ['a wildcard account', 'arn:aws:eks:*:*:fargateprofile/*', 'wildcard account'],
    ['a partly wildcard account', 'arn:aws:eks:us-east-1:1111*:fargateprofile/my-cluster/*', 'wildcard account'],
    ['another account', `arn:aws:eks:us-east-1:${OTHER_ACCOUNT}:fargateprofile/my-cluster/*`, `names account ${OTHER_ACCOUNT}`],
    ['another resource type', `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/my-cluster`, 'not fargateprofile/CLUSTER/*'],
    ['any resource of the account', `arn:aws:eks:*:${ACCOUNT}:*`, 'not fargateprofile/CLUSTER/*'],
    ['another service', `arn:aws:ecs:us-east-1:${ACCOUNT}:fargateprofile/x/*`, 'not an EKS one'],
    ['another partition', `arn:aws-cn:eks:cn-north-1:${ACCOUNT}:fargateprofile/x/*`, "not the role's aws"],
    ['a wildcard partition', `arn:*:eks:*:${ACCOUNT}:fargateprofile/*`, 'wildcard partition'],
  ])('reports %s', (_name, value, why) => {
    const findings = check(ID, policyOf([fargate({ ArnLike: { 'aws:SourceArn': value } })]));

    expect(findings).toHaveLength(1);
    expect(findings[0].statement).toBe(0);
    expect(findings[0].message).toContain(`"${value}"`);
    expect(findings[0].message).toContain(why);
  });

  it('reports one bad value among good ones', () => {
    const findings = check(ID, policyOf([fargate({ ArnLike: { 'aws:SourceArn': [DOCS_VALUE, '*'] } })]));

    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('ArnLike "*" matches every ARN');
    expect(findings[0].message).not.toContain(DOCS_VALUE + '"');
  });

  describe('with the role account unknown', () => {
    it('reports a missing pin without guessing, not fixable, and asks for --account', () => {
      const findings = check(ID, policyOf([fargate()]), {});

      expect(findings).toHaveLength(1);
      expect(findings[0].fixable).toBe(false);
      expect(findings[0].message).toContain("account is unknown");
      expect(findings[0].message).toContain('--account');
    });

    it.each([['*'], ['arn:aws:eks:*:*:fargateprofile/*']])('reports %s, not fixable', (value) => {
      const findings = check(ID, policyOf([fargate({ ArnLike: { 'aws:SourceArn': value } })]), {});

      expect(findings).toHaveLength(1);
      expect(findings[0].fixable).toBe(false);
      expect(findings[0].message).toContain('account is unknown');
    });

    it('does not judge a literal account it cannot compare', () => {
      const findings = check(ID, policyOf([fargate({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${OTHER_ACCOUNT}:fargateprofile/*` } })]), {});

      expect(findings).toEqual([]);
    });

    it('uses --account when given', () => {
      const policy = policyOf([fargate()]);

      expectFix(ID, policy, { account: ACCOUNT }, policyOf([fargate({ ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } })]), [0]);
    });
  });
});

describe('fargate-source-arn fix', () => {
  it('adds ArnLike aws:SourceArn for every Fargate profile of the account when no cluster is known', () => {
    const policy = policyOf([POD_IDENTITY, fargate(undefined, { Sid: 'Fargate' })]);
    const expected = policyOf([POD_IDENTITY, fargate({ ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } }, { Sid: 'Fargate' })]);

    expectFix(ID, policy, CTX, expected, [1]);
  });

  it('keeps the single-object Statement form', () => {
    const policy = policyOf(fargate());

    expectFix(ID, policy, CTX, policyOf(fargate({ ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } })), [0]);
  });

  it('pins to the clusters known to use the role, ignoring another account\u2019s profile', () => {
    const context = {
      ...CTX,
      fargateProfileArns: [
        `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/a1b2c3d4-0000-1111-2222-333344445555`,
        `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/kube-system/b1b2c3d4-0000-1111-2222-333344445555`,
        `arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/batch/jobs/c1b2c3d4-0000-1111-2222-333344445555`,
        `arn:aws:eks:us-east-1:${OTHER_ACCOUNT}:fargateprofile/theirs/default/d1b2c3d4-0000-1111-2222-333344445555`,
      ],
    };
    const expected = policyOf([
      fargate({
        ArnLike: { 'aws:SourceArn': [`arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/*`, `arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/batch/*`] },
      }),
    ]);

    expectFix(ID, policyOf([fargate()]), context, expected, [0]);
  });

  it('adds the pin next to an IfExists condition, which stays', () => {
    const condition = { ArnLikeIfExists: { 'aws:SourceArn': DOCS_VALUE } };
    const expected = policyOf([fargate({ ...condition, ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } })]);

    expectFix(ID, policyOf([fargate(condition)]), CTX, expected, [0]);
  });

  it('adds to an existing ArnLike block on other keys', () => {
    const condition = { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } };
    const expected = policyOf([fargate({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*`, 'aws:SourceArn': ACCOUNT_WIDE } })]);

    expectFix(ID, policyOf([fargate(condition)]), CTX, expected, [0]);
  });

  it.each([
    ['"*"', '*'],
    ['a wildcard account', 'arn:aws:eks:*:*:fargateprofile/*'],
    ['any resource of the account', `arn:aws:eks:*:${ACCOUNT}:*`],
    ['any EKS resource anywhere', 'arn:aws:eks:*:*:*'],
  ])('replaces %s, which is broader than the target, by the target', (_name, value) => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': value } })]);

    expectFix(ID, policy, CTX, policyOf([fargate({ ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } })]), [0]);
  });

  it('keeps correct values in place and replaces only the broad one', () => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': [DOCS_VALUE, '*'] } })]);
    const expected = policyOf([fargate({ ArnLike: { 'aws:SourceArn': [DOCS_VALUE, ACCOUNT_WIDE] } })]);

    expect(check(ID, policy)[0].message).toContain(`The automatic fix narrows the condition to ${ACCOUNT_WIDE}, keeping the values that are already correct`);
    expectFix(ID, policy, CTX, expected, [0]);
  });

  it('writes each value once, in first-seen order, when values repeat or several cover the same target', () => {
    // Prepare: a repeated correct value, and two broad values that both narrow to the account-wide target.
    const clusters = [`arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/a/*`, `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/b/*`];
    const profiles = [`arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/a/p/1`, `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/b/p/2`];
    const values = [DOCS_VALUE, '*', DOCS_VALUE, 'arn:aws:eks:*:*:fargateprofile/*', clusters[1]];
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': values } })]);
    const expected = policyOf([fargate({ ArnLike: { 'aws:SourceArn': [DOCS_VALUE, clusters[1], clusters[0]] } })]);

    // Act, Assess
    expectFix(ID, policy, { ...CTX, fargateProfileArns: profiles }, expected, [0]);
  });

  it('moves the targets of several StringEquals wildcards to one ArnLike list without repeats', () => {
    const policy = policyOf([fargate({ StringEquals: { 'aws:SourceArn': ['*', 'arn:aws:eks:*:*:fargateprofile/*'] } })]);
    const expected = policyOf([fargate({ ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } })]);

    expectFix(ID, policy, CTX, expected, [0]);
  });

  it('drops another account\u2019s value when a correct one remains', () => {
    const foreign = `arn:aws:eks:us-east-1:${OTHER_ACCOUNT}:fargateprofile/theirs/*`;
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': [foreign, DOCS_VALUE] } })]);

    expectFix(ID, policy, CTX, policyOf([fargate({ ArnLike: { 'aws:SourceArn': DOCS_VALUE } })]), [0]);
  });

  it('keeps the operator it found (StringLike, ArnEquals)', () => {
    const policy = policyOf([fargate({ StringLike: { 'aws:SourceArn': '*' } }), fargate({ ArnEquals: { 'aws:sourcearn': ['arn:aws:eks:*:*:fargateprofile/*'] } })]);
    const expected = policyOf([fargate({ StringLike: { 'aws:SourceArn': ACCOUNT_WIDE } }), fargate({ ArnEquals: { 'aws:sourcearn': ACCOUNT_WIDE } })]);

    expectFix(ID, policy, CTX, expected, [0, 1]);
  });

  it('moves a StringEquals wildcard to ArnLike, keeping the rest of the StringEquals block', () => {
    const policy = policyOf([fargate({ StringEquals: { 'aws:SourceArn': '*', 'aws:SourceAccount': ACCOUNT } })]);
    const expected = policyOf([fargate({ StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } })]);

    expectFix(ID, policy, CTX, expected, [0]);
  });

  it('drops a StringEquals wildcard when an exact correct ARN remains there', () => {
    const exact = `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/a1b2c3d4`;
    const policy = policyOf([fargate({ StringEquals: { 'aws:SourceArn': [exact, '*'] } })]);

    expectFix(ID, policy, CTX, policyOf([fargate({ StringEquals: { 'aws:SourceArn': exact } })]), [0]);
  });

  it('narrows a regional wildcard-account value only to the known clusters it covers', () => {
    const context = {
      ...CTX,
      fargateProfileArns: [
        `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/a1`,
        `arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/batch/jobs/b2`,
      ],
    };
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:*:fargateprofile/*' } })]);

    expectFix(ID, policy, context, policyOf([fargate({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/*` } })]), [0]);
  });

  it('writes the aws-cn partition for a China role', () => {
    const policy = policyOf({ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com.cn' }, Action: 'sts:AssumeRole' });
    const expected = policyOf({
      Effect: 'Allow',
      Principal: { Service: 'eks-fargate-pods.amazonaws.com.cn' },
      Action: 'sts:AssumeRole',
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws-cn:eks:*:${ACCOUNT}:fargateprofile/*` } },
    });

    expectFix(ID, policy, { roleArn: CN_ROLE_ARN }, expected, [0]);
  });

  it('writes the aws-us-gov partition for a GovCloud role', () => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': '*' } })]);
    const expected = policyOf([fargate({ ArnLike: { 'aws:SourceArn': `arn:aws-us-gov:eks:*:${ACCOUNT}:fargateprofile/*` } })]);

    expectFix(ID, policy, { roleArn: GOV_ROLE_ARN }, expected, [0]);
  });

  it.each([
    ['another account only', `arn:aws:eks:us-east-1:${OTHER_ACCOUNT}:fargateprofile/theirs/*`],
    ['another resource type only', `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/my-cluster`],
    ['a regional wildcard account that does not cover the account-wide target', 'arn:aws:eks:us-east-1:*:fargateprofile/*'],
  ])('does not replace %s by our own profiles (that would widen)', (_name, value) => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': value } })]);

    const findings = check(ID, policy);
    const result = evaluate(policy, CTX);

    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(false);
    expect(findings[0].message).toContain('by hand');
    expect(findings[0].message).toContain('would widen');
    expect(result.fixedPolicy).toBeNull();
  });

  it('does not overwrite an existing ArnLike pin to make room for a StringEquals wildcard', () => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': DOCS_VALUE }, StringEquals: { 'aws:SourceArn': '*' } })]);

    const findings = check(ID, policy);

    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(false);
    expect(findings[0].message).toContain('by hand');
  });

  it('drops a value in another partition when a correct one remains', () => {
    const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': [`arn:aws-cn:eks:*:${ACCOUNT}:fargateprofile/*`, DOCS_VALUE] } })]);

    expectFix(ID, policy, CTX, policyOf([fargate({ ArnLike: { 'aws:SourceArn': DOCS_VALUE } })]), [0]);
  });

  it('leaves a statement that needs no fix untouched while fixing another', () => {
    const good = fargate({ ArnLike: { 'aws:SourceArn': DOCS_VALUE } }, { Sid: 'Good' });
    const policy = policyOf([good, fargate(undefined, { Sid: 'Bad' }), POD_IDENTITY]);
    const expected = policyOf([good, fargate({ ArnLike: { 'aws:SourceArn': ACCOUNT_WIDE } }, { Sid: 'Bad' }), POD_IDENTITY]);

    expectFix(ID, policy, CTX, expected, [1]);
  });

  it('never widens: every value it writes is correct and covered by a value it replaces', () => {
    const segment = (xs: string[]) => fc.constantFrom(...xs);
    const value = fc.oneof(
      fc.constant('*'),
      fc
        .tuple(
          segment(['aws', 'aws-cn', '*']),
          segment(['eks', 'ecs', '*']),
          segment(['us-east-1', 'eu-west-1', '*', 'region-code']),
          segment([ACCOUNT, OTHER_ACCOUNT, '*', '1111*']),
          segment(['fargateprofile/prod/*', 'fargateprofile/*', 'cluster/prod', '*', 'fargateprofile/prod/default/a1']),
        )
        .map(([p, s, r, a, res]) => `arn:${p}:${s}:${r}:${a}:${res}`),
    );
    const operator = fc.constantFrom('ArnLike', 'ArnEquals', 'StringLike', 'StringEquals');
    const profiles = fc.subarray([
      `arn:aws:eks:us-east-1:${ACCOUNT}:fargateprofile/prod/default/a1`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/batch/jobs/b2`,
    ]);
    let fixedCount = 0;
    fc.assert(
      fc.property(operator, fc.array(value, { minLength: 1, maxLength: 4 }), profiles, (op, values, fargateProfileArns) => {
        const context = { ...CTX, fargateProfileArns };
        const policy = policyOf([fargate({ [op]: { 'aws:SourceArn': values } })]);
        const findings = check(ID, policy, context);
        if (findings.length === 0 || !findings[0].fixable) return;

        const fixed = fixWith(ID, policy, context);
        fixedCount++;

        expect(check(ID, fixed, context)).toEqual([]);
        const condition = (statementList(fixed)[0] as { Condition: Record<string, Record<string, string | string[]>> }).Condition;
        for (const [writtenOp, block] of Object.entries(condition)) {
          const written = ([] as string[]).concat(block['aws:SourceArn']);
          for (const w of written) {
            expect(sourceArnProblem(w, ACCOUNT, 'aws')).toBeNull();
            // Kept in place, or a narrowing of a value the original allowed under a wildcard operator.
            const kept = writtenOp === op && values.includes(w);
            expect(kept || values.some((v) => globCovers(v, w))).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
    // The generator must reach the fix, not only unfixable or clean cases.
    expect(fixedCount).toBeGreaterThan(30);
  });
});

describe('fargate-source-arn value verdicts', () => {
  it('reports a pinning value exactly when sourceArnProblem finds one, for each role partition', () => {
    // Prepare: values made of fields around what a fine value must be (empty and colon-bearing
    // fields, near-miss accounts and resource prefixes), for roles in three partitions.
    // Each field mostly its first (fine) choice, so that fine values come up too.
    const field = (xs: string[]) => fc.oneof({ arbitrary: fc.constant(xs[0]), weight: 3 }, { arbitrary: fc.constantFrom(...xs), weight: 1 });
    const value = fc
      .tuple(
        field(['arn:', 'arn', 'ARN:', '']),
        field(['aws', 'aws-cn', 'aws-us-gov', 'aws-cnx', '', '*']),
        field([':eks', ':ek', ':eks2', ':EKS', ':', '']),
        field([':us-east-1', ':', ':*', ':a:b', '']),
        field([`:${ACCOUNT}`, `:${OTHER_ACCOUNT}`, ':11112222333', ':1111222233334', ':11112222333x', ':']),
        field([':fargateprofile/c/*', ':fargateprofile/', ':fargateprofile/x', ':fargateprofilex', ':cluster/c', ':fargateprofile/a:b', '']),
      )
      .map((parts) => parts.join(''));
    const role = fc.constantFrom(
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/r`, partition: 'aws' },
      { roleArn: CN_ROLE_ARN, partition: 'aws-cn' },
      { roleArn: GOV_ROLE_ARN, partition: 'aws-us-gov' },
    );
    let fine = 0;
    fc.assert(
      fc.property(value, role, (v, { roleArn, partition }) => {
        const policy = policyOf([fargate({ ArnLike: { 'aws:SourceArn': [v] } })]);

        // Act
        const findings = check(ID, policy, { roleArn });

        // Assess
        const problem = sourceArnProblem(v, ACCOUNT, partition);
        if (problem === null) fine++;
        expect(findings.length).toBe(problem === null ? 0 : 1);
        if (problem !== null) expect(findings[0].message).toContain(`"${v}" ${problem}`);
      }),
      { numRuns: 2000 },
    );
    // The generator must reach fine values, not only broken ones.
    expect(fine).toBeGreaterThan(10);
  });
});

describe('globCovers', () => {
  it.each([
    ['*', 'arn:aws:eks:*:1:fargateprofile/*', true],
    ['arn:aws:eks:*:*:fargateprofile/*', `arn:aws:eks:*:${ACCOUNT}:fargateprofile/*`, true],
    ['arn:aws:eks:us-east-1:*:fargateprofile/*', `arn:aws:eks:*:${ACCOUNT}:fargateprofile/*`, false],
    ['a?c', 'a*c', false],
    ['a?c', 'abc', true],
    ['abc', 'a?c', false],
    ['a*', 'a?', true],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });
});

describe('fargate-source-arn through the engine', () => {
  it('is a high finding that the fixed policy resolves', () => {
    const findings = findingsOf(policyOf([fargate()]), ID);

    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('high');
  });
});
