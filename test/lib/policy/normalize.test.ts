/**
 * parsePolicy's normalised form, on the points its fast paths decide: operator spellings (one
 * lookup of the lower-cased spelling), lists of strings taken over without a copy, actions
 * lower-cased, and the document left as it was.
 */
import fc from 'fast-check';
import { evaluate } from '../../../lib/engine';
import { parsePolicy, StatementFlags, type NormalizedStatement } from '../../../lib/policy/normalize';
import type { PolicyDocument } from '../../../lib/policy/types';
import { anyTrustPolicyArb } from '../../support/arbitraries';

function statementWith(fields: Record<string, unknown>): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole', ...fields }],
  };
}

function parsedStatement(doc: PolicyDocument): NormalizedStatement {
  const r = parsePolicy(doc);
  if (!r.ok) throw new Error(`expected a valid policy: ${JSON.stringify(r.problems)}`);
  return r.policy.statements[0];
}

describe('parsePolicy condition operators', () => {
  it.each([
    ['StringEquals', { op: 'stringequals', ifExists: false, setOp: null }],
    ['stringlikeIFEXISTS', { op: 'stringlike', ifExists: true, setOp: null }],
    ['ForAnyValue:StringLike', { op: 'stringlike', ifExists: false, setOp: 'foranyvalue' }],
    ['forallvalues:ArnEqualsIfExists', { op: 'arnequals', ifExists: true, setOp: 'forallvalues' }],
    ['NULL', { op: 'null', ifExists: false, setOp: null }],
  ])('reads %s case-insensitively, into base operator, IfExists and set prefix', (operator, expected) => {
    // Prepare
    const doc = statementWith({ Condition: { [operator]: { 'aws:SourceAccount': '111122223333' } } });

    // Act
    const [c] = parsedStatement(doc).conditions;

    // Assess
    expect({ operator: c.operator, op: c.op, ifExists: c.ifExists, setOp: c.setOp }).toEqual({ operator, ...expected });
  });

  it.each([
    // Every condition operator of the IAM reference, as AWS spells it (the table's first lookup).
    ['StringEqualsIgnoreCase', 'stringequalsignorecase'],
    ['StringNotEqualsIgnoreCase', 'stringnotequalsignorecase'],
    ['NumericGreaterThanEquals', 'numericgreaterthanequals'],
    ['DateLessThanEquals', 'datelessthanequals'],
    ['BinaryEquals', 'binaryequals'],
    ['NotIpAddress', 'notipaddress'],
    ['ArnNotLike', 'arnnotlike'],
  ])('reads %s, with its IfExists and set-prefixed forms, as AWS spells them', (operator, op) => {
    // Prepare
    const spellings = [operator, `${operator}IfExists`, `ForAnyValue:${operator}`, `ForAllValues:${operator}IfExists`];
    const doc = statementWith({ Condition: Object.fromEntries(spellings.map((o) => [o, { 'aws:SourceAccount': '111122223333' }])) });

    // Act
    const conditions = parsedStatement(doc).conditions;

    // Assess
    expect(conditions.map((c) => [c.operator, c.op, c.ifExists, c.setOp])).toEqual([
      [operator, op, false, null],
      [`${operator}IfExists`, op, true, null],
      [`ForAnyValue:${operator}`, op, false, 'foranyvalue'],
      [`ForAllValues:${operator}IfExists`, op, true, 'forallvalues'],
    ]);
  });

  it.each(['NullIfExists', 'IfExists', 'StringEqualsIfExistsIfExists', 'ForAnyValue:', 'ForAnyValue:ForAllValues:StringLike', 'StringEqual'])(
    'rejects the unknown operator %s',
    (operator) => {
      // Prepare
      const doc = statementWith({ Condition: { [operator]: { 'aws:SourceAccount': '111122223333' } } });

      // Act
      const r = parsePolicy(doc);

      // Assess
      expect(r.ok).toBe(false);
      expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual([expect.stringContaining('unknown condition operator')]);
    },
  );
});

describe('parsePolicy values', () => {
  it('keeps condition values as written, scalars as strings, keys lower-cased', () => {
    // Prepare
    const doc = statementWith({ Condition: { StringEquals: { 'aws:SourceAccount': ['111122223333', '444455556666'], 'aws:ViaAWSService': true, 'aws:MultiFactorAuthAge': 300 } } });

    // Act
    const conditions = parsedStatement(doc).conditions;

    // Assess
    expect(conditions.map((c) => [c.key, c.rawKey, c.values])).toEqual([
      ['aws:sourceaccount', 'aws:SourceAccount', ['111122223333', '444455556666']],
      ['aws:viaawsservice', 'aws:ViaAWSService', ['true']],
      ['aws:multifactorauthage', 'aws:MultiFactorAuthAge', ['300']],
    ]);
  });

  it('rejects an empty list of condition values and a blank principal', () => {
    // Prepare
    const emptyValues = statementWith({ Condition: { StringEquals: { 'aws:SourceAccount': [] } } });
    const blankPrincipal = statementWith({ Principal: { AWS: ['arn:aws:iam::111122223333:root', ' '] } });

    // Act
    const results = [parsePolicy(emptyValues), parsePolicy(blankPrincipal)];

    // Assess
    expect(results.map((r) => r.ok)).toEqual([false, false]);
  });

  it('lists principals as written and actions lower-cased', () => {
    // Prepare
    const doc = statementWith({
      Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'], Service: 'EKS-Fargate-Pods.amazonaws.com' },
      Action: ['sts:AssumeRole', 'STS:TagSession'],
    });

    // Act
    const s = parsedStatement(doc);

    // Assess
    expect(s.principal).toEqual({
      wildcard: true,
      aws: ['arn:aws:iam::111122223333:root', '*'],
      service: ['EKS-Fargate-Pods.amazonaws.com'],
      federated: [],
      canonicalUser: [],
    });
    expect(s.actions).toEqual(['sts:assumerole', 'sts:tagsession']);
  });

  it('lower-cases every action, whether AWS spells it so or not', () => {
    // Prepare
    const actions = ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity', 'sts:SetContext', 'sts:ASSUMEROLE', 'sts:assumeRole', 'STS:*', 'Sts:Tag*'];
    const one = statementWith({ Action: 'sts:TagSession' });

    // Act
    const s = parsedStatement(statementWith({ Action: actions }));

    // Assess
    expect(s.actions).toEqual([
      'sts:assumerolewithwebidentity',
      'sts:assumerolewithsaml',
      'sts:setsourceidentity',
      'sts:setcontext',
      'sts:assumerole',
      'sts:assumerole',
      'sts:*',
      'sts:tag*',
    ]);
    expect(parsedStatement(one).actions).toEqual(['sts:tagsession']);
  });

  it('leaves the document as it was', () => {
    // Prepare
    const doc = statementWith({
      Principal: { AWS: ['arn:aws:iam::111122223333:root'], Federated: 'cognito-identity.amazonaws.com' },
      Action: ['sts:AssumeRoleWithWebIdentity'],
      Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': ['authenticated'] }, NumericLessThan: { 'aws:MultiFactorAuthAge': [3600] } },
    });
    const before = structuredClone(doc);

    // Act
    const r = parsePolicy(doc);

    // Assess
    expect(r.ok).toBe(true);
    expect(doc).toStrictEqual(before);
  });
});

describe('parsePolicy service flags', () => {
  const F = StatementFlags;
  const SERVICE_BITS = F.SERVICE_FARGATE | F.SERVICE_POD_IDENTITY | F.SERVICE_EC2 | F.SERVICE_EKS;

  it.each([
    ['eks-fargate-pods.amazonaws.com', F.SERVICE_FARGATE],
    ['eks-fargate-pods.amazonaws.com.cn', F.SERVICE_FARGATE],
    ['pods.eks.amazonaws.com', F.SERVICE_POD_IDENTITY],
    ['pods.eks.amazonaws.com.cn', F.SERVICE_POD_IDENTITY],
    ['ec2.amazonaws.com', F.SERVICE_EC2],
    ['ec2.amazonaws.com.cn', F.SERVICE_EC2],
    ['eks.amazonaws.com', F.SERVICE_EKS],
    ['eks.amazonaws.com.cn', F.SERVICE_EKS],
  ])('flags %s in any case', (service, flag) => {
    // Prepare
    const spellings = [service, service.toUpperCase(), `${service[0].toUpperCase()}${service.slice(1)}`];

    // Act
    const flags = spellings.map((name) => parsedStatement(statementWith({ Principal: { Service: name } })).flags & SERVICE_BITS);

    // Assess
    expect(flags).toEqual([flag, flag, flag]);
  });

  it('flags no other service, and each listed one', () => {
    // Prepare
    const others = ['lambda.amazonaws.com', 'eks.amazonaws.com.evil', 'ec2.amazonaws.co', 'pods.eks.amazonaws', 'eks-fargate-pods'];
    const listed = statementWith({ Principal: { Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'EKS.amazonaws.com.cn'] } });

    // Act
    const flags = others.map((name) => parsedStatement(statementWith({ Principal: { Service: name } })).flags & SERVICE_BITS);

    // Assess
    expect(flags).toEqual([0, 0, 0, 0, 0]);
    expect(parsedStatement(listed).flags & SERVICE_BITS).toBe(F.SERVICE_EC2 | F.SERVICE_EKS);
  });
});

/** `list` with its element at `index` deleted: a hole, which only object input can have. */
function holed<T>(list: T[], index: number): T[] {
  const out = [...list];
  delete out[index];
  return out;
}

/** Every array and object in a document, with where it is (for the properties below). */
function containersIn(v: unknown, path = 'doc', out: { path: string; value: object }[] = []): { path: string; value: object }[] {
  if (typeof v !== 'object' || v === null) return out;
  out.push({ path, value: v });
  if (Array.isArray(v)) v.forEach((x, i) => containersIn(x, `${path}[${i}]`, out));
  else for (const [k, x] of Object.entries(v)) containersIn(x, `${path}.${k}`, out);
  return out;
}

describe('parsePolicy holes (sparse arrays: object input only)', () => {
  // JSON.stringify writes a hole as null, so IAM would be handed null there: each place rejects
  // it as it rejects a value of the wrong type, with the message that names the place.
  const service = ['ec2.amazonaws.com', 'eks.amazonaws.com'];
  const allow = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
  it.each<[string, PolicyDocument, string]>([
    ['a statement', { Version: '2012-10-17', Statement: holed([allow, allow], 0) }, 'Statement[0] is not an object'],
    ['a Service value', statementWith({ Principal: { Service: holed(service, 1) } }), 'Statement[0].Principal.Service must be a non-empty string or list of strings'],
    ['an AWS value', statementWith({ Principal: { AWS: holed(['111122223333', '444455556666'], 0) } }), 'Statement[0].Principal.AWS must be a non-empty string or list of strings'],
    [
      'a Federated value',
      statementWith({ Principal: { Federated: holed(['cognito-identity.amazonaws.com', 'accounts.google.com'], 1) }, Action: 'sts:AssumeRoleWithWebIdentity' }),
      'Statement[0].Principal.Federated must be a non-empty string or list of strings',
    ],
    ['an action', statementWith({ Action: holed(['sts:AssumeRole', 'sts:TagSession'], 1) }), 'Statement[0].Action must be a string or a non-empty list of strings'],
    ['a NotAction value', statementWith({ Action: undefined, NotAction: holed(['sts:AssumeRole', 'iam:*'], 0) }), 'Statement[0].NotAction must be a string or a non-empty list of strings'],
    [
      'a condition value',
      statementWith({ Condition: { StringEquals: { 'aws:SourceAccount': holed(['111122223333', '444455556666'], 0) } } }),
      'Statement[0].Condition.StringEquals.aws:SourceAccount must be a string, number, boolean or a non-empty list of them',
    ],
  ])('rejects a hole in %s, naming the place, as it rejects the null JSON writes there', (_place, doc, message) => {
    // Prepare
    const asIamSeesIt = JSON.parse(JSON.stringify(doc)) as unknown;

    // Act
    const r = parsePolicy(doc);
    const evaluated = evaluate(doc, { account: '111122223333' });

    // Assess
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toContain(message);
    expect(r).toEqual({ ...parsePolicy(asIamSeesIt), raw: doc });
    expect(evaluated.findings.map((f) => [f.ruleId, f.message])).toContainEqual(['policy-invalid', message]);
    expect(evaluated.fixedPolicy).toBeNull();
  });

  it('judges a generated policy with a hole punched anywhere as its JSON text (holes written as null)', () => {
    fc.assert(
      fc.property(anyTrustPolicyArb, fc.nat(), fc.nat(), (policy, which, at) => {
        // Prepare
        const doc = structuredClone(policy) as unknown;
        const arrays = containersIn(doc).filter((c): c is { path: string; value: unknown[] } => Array.isArray(c.value) && c.value.length > 0);
        fc.pre(arrays.length > 0);
        const { path, value: list } = arrays[which % arrays.length];
        const index = at % list.length;
        delete list[index];
        const asIamSeesIt = JSON.parse(JSON.stringify(doc)) as unknown;

        // Act
        const r = parsePolicy(doc);

        // Assess
        expect([path, index, r.ok]).toEqual([path, index, false]);
        expect(r).toEqual({ ...parsePolicy(asIamSeesIt), raw: doc });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parsePolicy members whose value is undefined (object input only)', () => {
  it('reads them as absent, as the JSON text leaves them out', () => {
    // Prepare
    const doc = statementWith({
      NotAction: undefined,
      Resource: undefined,
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': undefined }, StringLike: undefined },
      Principal: { AWS: 'arn:aws:iam::111122223333:root', Service: undefined },
    });

    // Act
    const s = parsedStatement(doc);

    // Assess
    expect(s.conditions.map((c) => [c.operator, c.rawKey, c.values])).toEqual([['StringEquals', 'aws:SourceAccount', ['111122223333']]]);
    expect([s.principal?.aws, s.principal?.service, s.actions, s.notActions]).toEqual([['arn:aws:iam::111122223333:root'], [], ['sts:assumerole'], null]);
  });

  it('judges a generated policy with any member set to undefined as its JSON text', () => {
    const keys = ['Version', 'Statement', 'Effect', 'Principal', 'Action', 'NotAction', 'Resource', 'Condition', 'AWS', 'Service', 'Federated', 'StringEquals', 'aws:SourceArn', 'Other'];
    fc.assert(
      fc.property(anyTrustPolicyArb, fc.nat(), fc.constantFrom(...keys), (policy, which, key) => {
        // Prepare
        const doc = structuredClone(policy) as unknown;
        const objects = containersIn(doc).filter((c): c is { path: string; value: Record<string, unknown> } => !Array.isArray(c.value));
        const { path, value: obj } = objects[which % objects.length];
        obj[key] = undefined;
        const asIamSeesIt = JSON.parse(JSON.stringify(doc)) as unknown;

        // Act
        const r = parsePolicy(doc);
        const expected = parsePolicy(asIamSeesIt);

        // Assess
        expect([path, key, r.ok]).toEqual([path, key, expected.ok]);
        expect(r.ok ? r.policy.statements.map((st) => [st.principal, st.actions, st.notActions, st.conditions, st.flags]) : r.problems).toEqual(
          expected.ok ? expected.policy.statements.map((st) => [st.principal, st.actions, st.notActions, st.conditions, st.flags]) : expected.problems,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
