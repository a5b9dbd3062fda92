/**
 * fast-check arbitraries for EKS trust policies, their evaluation context, and hostile input.
 *
 * Realistic documents are drawn around an `Env` (the role's partition, account, region, clusters
 * and OIDC providers) so that "own account", "foreign account", "right cluster" and "wrong
 * provider" all come up often; `scenarioArb` pairs a document with a context built from the same
 * Env. Spellings vary the way real documents do: Statement as object or list, strings or lists,
 * operator and key case, Sids, key order, Version present or not.
 */
import fc from 'fast-check';
import type { EvaluationContext, PolicyDocument } from '../../lib/policy/types';

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

export const REGIONS: Record<Partition, readonly string[]> = {
  aws: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
};

/** Accounts a role may live in. */
export const OWN_ACCOUNTS = ['111122223333', '444455556666'] as const;
/** Accounts that are never a generated role's own (may be listed in trustedAccounts). */
export const FOREIGN_ACCOUNTS = ['777788889999', '123456789012'] as const;
export const ALL_ACCOUNTS: readonly string[] = [...OWN_ACCOUNTS, ...FOREIGN_ACCOUNTS];

/** Every STS action a trust policy can grant; the "never widens" model evaluates over these. */
export const STS_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
  'sts:TagSession',
  'sts:SetSourceIdentity',
  'sts:SetContext',
] as const;

export interface Env {
  partition: Partition;
  /** The role's own account. */
  account: string;
  region: string;
  clusters: string[];
  /** 32-hex OIDC issuer ids of the role's clusters. */
  providerIds: string[];
}

export interface Cond {
  op: string;
  key: string;
  values: string[];
  /** Write a single value as a one-element list rather than a string. */
  asList?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

// Built from integers and word lists rather than fc.stringMatching, which is ~100x slower and
// would dominate the property runs.
const hexWord = fc.nat({ max: 0xffff }).map((n) => n.toString(16).toUpperCase().padStart(4, '0'));
const hex32 = fc.array(hexWord, { minLength: 8, maxLength: 8 }).map((ws) => ws.join(''));
const WORDS = ['prod', 'staging', 'dev', 'my-cluster', 'payments', 'web', 'batch', 'ml', 'default', 'kube-system', 'app', 'eu', 'blue', 'green', 'data'];
const name = weighted<string>(
  [4, fc.constantFrom(...WORDS)],
  [2, fc.tuple(fc.constantFrom(...WORDS), fc.nat(999)).map(([w, n]) => `${w}-${n}`)],
  [1, fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).map(([a, b]) => `${a}-${b}`)],
);
const sidArb = weighted<string>(
  [6, fc.tuple(fc.constantFrom('Allow', 'Trust', 'EKS', 'Fargate', 'PodIdentity', 'IRSA', 'CrossAccount', 'Deny', 'Node'), fc.nat(99)).map(([w, n]) => (n < 50 ? w : `${w}${n}`))],
  [1, fc.string({ maxLength: 20 })],
);
const uniqueIdArb = fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([a, b, c]) => `AROA${(a.toString(36) + b.toString(36) + c.toString(36)).toUpperCase().padEnd(17, 'X').slice(0, 17)}`);

/** Mostly the canonical spelling, sometimes random case (operators and keys are case-insensitive). */
export function spelled(canonical: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(canonical) }, { weight: 1, arbitrary: fc.mixedCase(fc.constant(canonical)) });
}

/** One value as a string or a one-element list; several as a list. */
export function stringOrList(values: readonly string[]): fc.Arbitrary<string | string[]> {
  if (values.length === 1) return fc.oneof<fc.Arbitrary<string | string[]>[]>(fc.constant(values[0]), fc.constant([values[0]]));
  return fc.constant([...values]);
}

/** fc.record with ordinary prototypes: policies come from JSON, never with a null prototype. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

function weighted<T>(...pairs: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> {
  return fc.oneof(...pairs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

function otherAccounts(env: Env): string[] {
  return ALL_ACCOUNTS.filter((a) => a !== env.account);
}

/** Mostly the role's own account, sometimes another one. */
function accountArb(env: Env): fc.Arbitrary<string> {
  return weighted<string>([3, fc.constant(env.account)], [2, fc.constantFrom(...otherAccounts(env))]);
}

function partitionArb(env: Env): fc.Arbitrary<string> {
  return weighted<string>([9, fc.constant(env.partition)], [1, fc.constantFrom(...PARTITIONS)]);
}

function servicePrincipal(env: Env, service: string): fc.Arbitrary<string> {
  const base = `${service}.amazonaws.com`;
  if (env.partition === 'aws-cn') return fc.constantFrom(base, `${base}.cn`);
  return weighted([8, fc.constant(base)], [1, fc.mixedCase(fc.constant(base))]);
}

function oidcHost(region: string, partition: string): string {
  return `oidc.eks.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}`;
}

export function oidcProviderArn(partition: string, account: string, region: string, id: string): string {
  return `arn:${partition}:iam::${account}:oidc-provider/${oidcHost(region, partition)}/id/${id}`;
}

// ---------------------------------------------------------------------------------------------
// Env and context

export const envArb: fc.Arbitrary<Env> = weighted<Partition>([3, fc.constant('aws')], [1, fc.constant('aws-cn')], [1, fc.constant('aws-us-gov')]).chain(
  (partition) =>
    record({
      partition: fc.constant(partition),
      account: fc.constantFrom(...OWN_ACCOUNTS),
      region: fc.constantFrom(...REGIONS[partition]),
      clusters: fc.uniqueArray(name, { minLength: 1, maxLength: 2 }),
      providerIds: fc.uniqueArray(hex32, { minLength: 2, maxLength: 3 }),
    }),
);

export function fargateProfileArn(env: Env): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...env.clusters), name, fc.uuid())
    .map(([cluster, profile, id]) => `arn:${env.partition}:eks:${env.region}:${env.account}:fargateprofile/${cluster}/${profile}/${id}`);
}

export function roleArnArb(env: Env): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('', 'eks/', 'service-role/'), name)
    .map(([path, n]) => `arn:${env.partition}:iam::${env.account}:role/${path}${n}`);
}

/**
 * The evaluation context for a role of `env`: usually a roleArn (sometimes only `account`, or
 * nothing), optional trustedAccounts (any subset of the other accounts, possibly empty),
 * optional Fargate profile ARNs, rarely a service-linked role path.
 */
export function contextArb(env: Env): fc.Arbitrary<EvaluationContext> {
  return fc
    .record({
      who: weighted<'arn' | 'account' | 'none'>([12, fc.constant('arn')], [1, fc.constant('account')], [1, fc.constant('none')]),
      roleArn: roleArnArb(env),
      trustedAccounts: fc.option(fc.subarray(otherAccounts(env)), { nil: undefined, freq: 2 }),
      fargateProfileArns: fc.option(fc.array(fargateProfileArn(env), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
      slr: weighted([30, fc.constant(false)], [1, fc.constant(true)]),
    })
    .map(({ who, roleArn, trustedAccounts, fargateProfileArns, slr }) => {
      const ctx: EvaluationContext = {};
      if (who === 'arn') ctx.roleArn = slr ? roleArn.replace(/:role\/.*$/, ':role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS') : roleArn;
      if (who === 'account') ctx.account = env.account;
      if (slr && who !== 'arn') ctx.rolePath = '/aws-service-role/';
      if (trustedAccounts !== undefined) ctx.trustedAccounts = trustedAccounts;
      if (fargateProfileArns !== undefined) ctx.fargateProfileArns = fargateProfileArns;
      return ctx;
    });
}

// ---------------------------------------------------------------------------------------------
// Conditions

function condArb(op: fc.Arbitrary<string>, key: fc.Arbitrary<string>, values: fc.Arbitrary<string[]>): fc.Arbitrary<Cond> {
  return record({ op, key, values, asList: fc.boolean() });
}

const ifExistsOrNot = (base: string) => weighted([4, spelled(base)], [1, spelled(`${base}IfExists`)]);

/** Conditions people add to any statement, pinning or not. */
function extraConditionArb(env: Env): fc.Arbitrary<Cond> {
  return fc.oneof(
    condArb(spelled('StringEquals'), spelled('sts:ExternalId'), fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.nat()).map(([w, n]) => `${w}-${n.toString(36)}`), { minLength: 1, maxLength: 2 })),
    condArb(spelled('StringEquals'), spelled('aws:PrincipalOrgID'), fc.constant(['o-a1b2c3d4e5'])),
    condArb(spelled('StringNotEquals'), spelled('aws:PrincipalAccount'), fc.array(accountArb(env), { minLength: 1, maxLength: 2 })),
    condArb(spelled('Bool'), spelled('aws:MultiFactorAuthPresent'), fc.constant(['true'])),
    condArb(spelled('ForAnyValue:StringLike'), spelled('aws:PrincipalOrgPaths'), fc.constant(['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'])),
    condArb(spelled('Null'), spelled('aws:SourceIdentity'), fc.constantFrom(['false'], ['true'])),
  );
}

function sourceArnValueArb(env: Env): fc.Arbitrary<string> {
  const cluster = fc.constantFrom(...env.clusters);
  const P = env.partition;
  const R = env.region;
  const own = env.account;
  const foreign = fc.constantFrom(...otherAccounts(env));
  return weighted<string>(
    [4, cluster.map((c) => `arn:${P}:eks:${R}:${own}:fargateprofile/${c}/*`)],
    [2, fc.constant(`arn:${P}:eks:*:${own}:fargateprofile/*`)],
    [1, fc.tuple(cluster, name).map(([c, p]) => `arn:${P}:eks:${R}:${own}:fargateprofile/${c}/${p}/*`)],
    [1, fc.constant('*')],
    [1, fc.tuple(cluster, foreign).map(([c, a]) => `arn:${P}:eks:${R}:${a}:fargateprofile/${c}/*`)],
    [1, cluster.map((c) => `arn:${P}:eks:${R}:*:fargateprofile/${c}/*`)],
    [1, cluster.map((c) => `arn:${P}:eks:${R}:${own}:cluster/${c}`)],
    [1, fc.constant(`arn:${P}:eks:${R}:${own}:*`)],
    [1, fc.tuple(fc.constantFrom(...PARTITIONS), cluster).map(([p, c]) => `arn:${p}:eks:${R}:${own}:fargateprofile/${c}/*`)],
  );
}

function fargateConditionsArb(env: Env): fc.Arbitrary<Cond[]> {
  const sourceArn = condArb(
    weighted<string>(
      [4, spelled('ArnLike')],
      [2, spelled('StringLike')],
      [1, spelled('ArnEquals')],
      [1, spelled('StringEquals')],
      [1, spelled('ArnLikeIfExists')],
      [1, spelled('StringLikeIfExists')],
      [1, spelled('ForAnyValue:ArnLike')],
    ),
    spelled('aws:SourceArn'),
    fc.array(sourceArnValueArb(env), { minLength: 1, maxLength: 3 }),
  );
  const sourceAccount = condArb(spelled('StringEquals'), spelled('aws:SourceAccount'), accountArb(env).map((a) => [a]));
  return weighted<Cond[]>(
    [3, fc.tuple(sourceArn).map((c) => c)],
    [2, fc.constant([])],
    [1, fc.tuple(sourceArn, sourceAccount)],
    [1, fc.tuple(sourceArn, sourceArn)],
    [1, fc.tuple(sourceAccount)],
    [1, fc.tuple(extraConditionArb(env))],
  );
}

function podIdentityConditionsArb(env: Env): fc.Arbitrary<Cond[]> {
  const sourceAccount = condArb(ifExistsOrNot('StringEquals'), spelled('aws:SourceAccount'), accountArb(env).map((a) => [a]));
  const sourceArn = condArb(
    spelled('ArnEquals'),
    spelled('aws:SourceArn'),
    fc.tuple(accountArb(env), fc.constantFrom(...env.clusters)).map(([a, c]) => [`arn:${env.partition}:eks:${env.region}:${a}:cluster/${c}`]),
  );
  const clusterTag = condArb(spelled('StringEquals'), fc.constantFrom('aws:RequestTag/eks-cluster-name', 'aws:RequestTag/eks-cluster-arn'), fc.constantFrom(...env.clusters).map((c) => [c]));
  const orgId = condArb(spelled('StringEquals'), spelled('aws:SourceOrgID'), fc.constant(['o-a1b2c3d4e5']));
  return weighted<Cond[]>(
    [3, fc.constant([])],
    [3, fc.tuple(sourceAccount)],
    [1, fc.tuple(sourceArn)],
    [1, fc.tuple(clusterTag)],
    [1, fc.tuple(orgId)],
    [1, fc.tuple(sourceAccount, clusterTag)],
    [1, fc.tuple(extraConditionArb(env))],
  );
}

function irsaConditionsArb(env: Env, prefix: string): fc.Arbitrary<Cond[]> {
  const otherPrefix = fc
    .tuple(fc.constantFrom(...env.providerIds), fc.constantFrom(...REGIONS[env.partition]))
    .map(([id, region]) => `${oidcHost(region, env.partition)}/id/${id}`)
    .filter((p) => p !== prefix);
  const keyPrefix = weighted<string>([8, fc.constant(prefix)], [1, otherPrefix]);
  const saName = fc.tuple(name, name).map(([ns, sa]) => `system:serviceaccount:${ns}:${sa}`);
  const subValue = weighted<string>(
    [6, saName],
    [1, name.map((ns) => `system:serviceaccount:${ns}:*`)],
    [1, fc.constant('*')],
    [1, fc.constant('system:serviceaccount:*')],
    [1, name],
  );
  const sub = condArb(
    weighted<string>([5, spelled('StringEquals')], [2, spelled('StringLike')], [1, spelled('StringEqualsIfExists')], [1, spelled('StringLikeIfExists')]),
    keyPrefix.chain((p) => spelled(`${p}:sub`)),
    fc.array(subValue, { minLength: 1, maxLength: 3 }),
  );
  const aud = condArb(
    weighted<string>([6, spelled('StringEquals')], [1, spelled('StringLike')], [1, spelled('StringEqualsIfExists')]),
    keyPrefix.chain((p) => spelled(`${p}:aud`)),
    weighted<string[]>([6, fc.constant(['sts.amazonaws.com'])], [1, fc.constant(['sts.amazonaws.com', 'other'])], [1, fc.constant(['*'])]),
  );
  return weighted<Cond[]>(
    [5, fc.tuple(sub, aud)],
    [2, fc.tuple(sub)],
    [1, fc.tuple(aud)],
    [1, fc.constant([])],
    [1, fc.tuple(aud, sub, extraConditionArb(env))],
  );
}

function crossAccountConditionsArb(env: Env): fc.Arbitrary<Cond[]> {
  return weighted<Cond[]>(
    [3, fc.constant([])],
    [2, fc.tuple(condArb(spelled('StringEquals'), spelled('sts:ExternalId'), fc.constant(['a1b2c3d4-ext'])))],
    [1, fc.tuple(condArb(spelled('StringEquals'), spelled('aws:PrincipalOrgID'), fc.constant(['o-a1b2c3d4e5'])))],
    [1, fc.tuple(condArb(spelled('ArnLike'), spelled('aws:PrincipalArn'), accountArb(env).map((a) => [`arn:${env.partition}:iam::${a}:role/ci-*`])))],
    [1, fc.tuple(extraConditionArb(env))],
  );
}

function publicConditionsArb(env: Env): fc.Arbitrary<Cond[]> {
  return weighted<Cond[]>(
    [3, fc.constant([])],
    [2, fc.tuple(condArb(spelled('StringEquals'), spelled('aws:PrincipalAccount'), accountArb(env).map((a) => [a])))],
    [1, fc.tuple(condArb(spelled('StringEquals'), spelled('aws:PrincipalOrgID'), fc.constantFrom(['o-a1b2c3d4e5'], ['*'])))],
    [1, fc.tuple(condArb(spelled('StringLike'), spelled('aws:PrincipalAccount'), fc.constant(['*'])))],
    [1, fc.tuple(condArb(spelled('StringEquals'), spelled('sts:ExternalId'), fc.constant(['shared-secret'])))],
    [1, fc.tuple(condArb(spelled('StringEqualsIfExists'), spelled('aws:SourceAccount'), accountArb(env).map((a) => [a])))],
  );
}

/** Build a Condition block from a list, merging operators spelled identically. */
export function conditionBlock(conds: readonly Cond[]): Record<string, Record<string, string | string[]>> | undefined {
  if (conds.length === 0) return undefined;
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const c of conds) {
    const block = (out[c.op] ??= {});
    block[c.key] = c.values.length === 1 && !c.asList ? c.values[0] : c.values;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Principals and actions

function awsPrincipalValueArb(env: Env): fc.Arbitrary<string> {
  const acct = accountArb(env);
  const P = partitionArb(env);
  return weighted<string>(
    [2, acct],
    [3, fc.tuple(P, acct).map(([p, a]) => `arn:${p}:iam::${a}:root`)],
    [3, fc.tuple(P, acct, name).map(([p, a, n]) => `arn:${p}:iam::${a}:role/${n}`)],
    [1, fc.tuple(P, acct, name).map(([p, a, n]) => `arn:${p}:iam::${a}:user/${n}`)],
    [1, fc.tuple(P, acct, name).map(([p, a, n]) => `arn:${p}:sts::${a}:assumed-role/${n}/session`)],
    [1, uniqueIdArb],
  );
}

function actionName(canonical: string): fc.Arbitrary<string> {
  return weighted([6, fc.constant(canonical)], [1, fc.constant(canonical.toLowerCase())], [1, fc.mixedCase(fc.constant(canonical))]);
}

interface ActionSpec {
  key: 'Action' | 'NotAction';
  values: string[];
}

/**
 * Actions for a statement whose principals need `needed`: mostly exactly those (in either order,
 * any case), sometimes with extras, a wildcard, NotAction or a mismatched action.
 */
function actionsArb(needed: readonly string[]): fc.Arbitrary<ActionSpec> {
  const exact = fc.tuple(...needed.map(actionName)).chain((names) => fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }));
  return weighted<ActionSpec>(
    [10, exact.map((values) => ({ key: 'Action' as const, values }))],
    [2, fc.subarray([...STS_ACTIONS], { minLength: 1 }).map((values) => ({ key: 'Action' as const, values }))],
    [1, fc.constantFrom<string[]>(['*'], ['sts:*'], ['sts:Assume*'], ['STS:*']).map((values) => ({ key: 'Action' as const, values }))],
    [1, fc.constantFrom<string[]>(['sts:AssumeRoleWithSAML'], ['sts:SetSourceIdentity', 'sts:SetContext'], ['iam:*']).map((values) => ({ key: 'NotAction' as const, values }))],
  );
}

// ---------------------------------------------------------------------------------------------
// Statements

export type Kind = 'fargate' | 'pod-identity' | 'irsa' | 'node' | 'cluster' | 'cross-account' | 'public' | 'saml' | 'mixed' | 'deny';

interface StatementParts {
  principal: unknown;
  actions: ActionSpec;
  conditions: Cond[];
  effect?: 'Allow' | 'Deny';
}

function assembleStatement(parts: StatementParts, sid: string | undefined, actionSpelling: boolean, order: number, effectFirst: boolean): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  if (sid !== undefined) entries.push(['Sid', sid]);
  const effect: [string, unknown] = ['Effect', parts.effect ?? 'Allow'];
  const principal: [string, unknown] = ['Principal', parts.principal];
  const action: [string, unknown] = [
    parts.actions.key,
    parts.actions.values.length === 1 && actionSpelling ? parts.actions.values[0] : parts.actions.values,
  ];
  const cond = conditionBlock(parts.conditions);
  const body: [string, unknown][] = [principal, action];
  if (cond) body.splice(order % 3, 0, ['Condition', cond]);
  if (effectFirst) entries.push(effect, ...body);
  else entries.push(...body, effect);
  return Object.fromEntries(entries);
}

function principalObject(key: string, values: fc.Arbitrary<string[]>): fc.Arbitrary<Record<string, string | string[]>> {
  return values.chain((vs) => stringOrList(vs)).map((v) => ({ [key]: v }));
}

function partsArb(env: Env, kind: Kind): fc.Arbitrary<StatementParts> {
  switch (kind) {
    case 'fargate':
      return record({
        principal: principalObject('Service', servicePrincipal(env, 'eks-fargate-pods').map((s) => [s])),
        actions: actionsArb(['sts:AssumeRole']),
        conditions: fargateConditionsArb(env),
      });
    case 'pod-identity':
      return record({
        principal: principalObject('Service', servicePrincipal(env, 'pods.eks').map((s) => [s])),
        actions: weighted<ActionSpec>([3, actionsArb(['sts:AssumeRole', 'sts:TagSession'])], [2, actionsArb(['sts:AssumeRole'])]),
        conditions: podIdentityConditionsArb(env),
      });
    case 'irsa':
      return fc
        .tuple(partitionArb(env), accountArb(env), fc.constantFrom(...env.providerIds), fc.constantFrom(env.region, ...REGIONS[env.partition]))
        .chain(([p, a, id, region]) => {
          const arn = oidcProviderArn(p, a, region, id);
          const prefix = arn.slice(arn.indexOf('oidc-provider/') + 'oidc-provider/'.length);
          return record({
            principal: fc.constant({ Federated: arn }),
            actions: actionsArb(['sts:AssumeRoleWithWebIdentity']),
            conditions: irsaConditionsArb(env, prefix),
          });
        });
    case 'node':
      return record({
        principal: principalObject('Service', servicePrincipal(env, 'ec2').map((s) => [s])),
        actions: actionsArb(['sts:AssumeRole']),
        conditions: fc.constant([]),
      });
    case 'cluster':
      return record({
        principal: principalObject(
          'Service',
          weighted<string[]>(
            [4, servicePrincipal(env, 'eks').map((s) => [s])],
            [1, fc.constant(['eks.amazonaws.com', 'ec2.amazonaws.com'])],
            [1, fc.constant(['eks-fargate-pods.amazonaws.com', 'ec2.amazonaws.com'])],
          ),
        ),
        actions: actionsArb(['sts:AssumeRole']),
        conditions: fc.constant([]),
      });
    case 'cross-account':
      return record({
        principal: principalObject('AWS', fc.uniqueArray(awsPrincipalValueArb(env), { minLength: 1, maxLength: 4 })),
        actions: weighted<ActionSpec>([3, actionsArb(['sts:AssumeRole'])], [1, actionsArb(['sts:AssumeRole', 'sts:TagSession'])]),
        conditions: crossAccountConditionsArb(env),
      });
    case 'public':
      return record({
        principal: fc.constantFrom<unknown>('*', { AWS: '*' }, { AWS: ['*'] }, { AWS: ['*', env.account] }),
        actions: actionsArb(['sts:AssumeRole']),
        conditions: publicConditionsArb(env),
      });
    case 'saml':
      return record({
        principal: fc.tuple(partitionArb(env), accountArb(env)).map(([p, a]) => ({ Federated: `arn:${p}:iam::${a}:saml-provider/Okta` })),
        actions: actionsArb(['sts:AssumeRoleWithSAML']),
        conditions: weighted<Cond[]>(
          [3, fc.constant([{ op: 'StringEquals', key: 'SAML:aud', values: ['https://signin.aws.amazon.com/saml'] }])],
          [1, fc.constant([])],
        ),
      });
    case 'mixed':
      return record({
        principal: fc
          .tuple(
            fc.subarray(['pods.eks.amazonaws.com', 'eks-fargate-pods.amazonaws.com', 'ec2.amazonaws.com', 'eks.amazonaws.com'], { minLength: 1 }),
            fc.uniqueArray(awsPrincipalValueArb(env), { minLength: 1, maxLength: 3 }),
          )
          .chain(([svc, aws]) => record({ Service: stringOrList(svc), AWS: stringOrList(aws) })),
        actions: weighted<ActionSpec>([3, actionsArb(['sts:AssumeRole', 'sts:TagSession'])], [1, actionsArb(['sts:AssumeRole'])]),
        conditions: weighted<Cond[]>([2, fc.constant([])], [1, crossAccountConditionsArb(env)], [1, fargateConditionsArb(env)], [1, podIdentityConditionsArb(env)]),
      });
    case 'deny':
      return record({
        effect: fc.constant('Deny' as const),
        principal: weighted<unknown>(
          [2, fc.constantFrom<unknown>('*', { AWS: '*' })],
          [1, principalObject('AWS', fc.uniqueArray(awsPrincipalValueArb(env), { minLength: 1, maxLength: 2 }))],
        ),
        actions: weighted<ActionSpec>([3, actionsArb(['sts:AssumeRole'])], [1, fc.constant({ key: 'Action' as const, values: ['sts:*'] })]),
        conditions: weighted<Cond[]>(
          [2, fc.constant([{ op: 'StringNotEquals', key: 'aws:PrincipalOrgID', values: ['o-a1b2c3d4e5'] }])],
          [1, fc.constant([])],
        ),
      });
  }
}

export const KINDS: readonly Kind[] = ['fargate', 'pod-identity', 'irsa', 'node', 'cluster', 'cross-account', 'public', 'saml', 'mixed', 'deny'];

const KIND_WEIGHTS: Record<Kind, number> = {
  fargate: 5,
  'pod-identity': 5,
  irsa: 6,
  node: 3,
  cluster: 2,
  'cross-account': 4,
  public: 1,
  saml: 1,
  mixed: 2,
  deny: 1,
};

export function statementArb(env: Env, kinds: readonly Kind[] = KINDS): fc.Arbitrary<Record<string, unknown>> {
  const kind = fc.oneof(...kinds.map((k) => ({ weight: KIND_WEIGHTS[k], arbitrary: fc.constant(k) })));
  return kind.chain((k) =>
    fc
      .tuple(partsArb(env, k), fc.option(sidArb, { nil: undefined, freq: 2 }), fc.boolean(), fc.nat(5), weighted([6, fc.constant(true)], [1, fc.constant(false)]))
      .map(([parts, sid, actionSpelling, order, effectFirst]) => assembleStatement(parts, sid, actionSpelling, order, effectFirst)),
  );
}

/** IAM wants Sids unique within a policy: keep the first, suffix later duplicates. */
function uniqueSids(statements: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return statements.map((s, i) => {
    if (typeof s.Sid !== 'string') return s;
    if (!seen.has(s.Sid)) {
      seen.add(s.Sid);
      return s;
    }
    const sid = `${s.Sid}x${i}`;
    seen.add(sid);
    return { ...s, Sid: sid };
  });
}

export interface PolicyOptions {
  kinds?: readonly Kind[];
  minStatements?: number;
  maxStatements?: number;
}

/** A realistic EKS trust policy for a role of `env`. */
export function trustPolicyArb(env: Env, options: PolicyOptions = {}): fc.Arbitrary<PolicyDocument> {
  const { kinds = KINDS, minStatements = 1, maxStatements = 5 } = options;
  return fc
    .record({
      version: weighted<string | undefined>([8, fc.constant('2012-10-17')], [1, fc.constant('2008-10-17')], [1, fc.constant(undefined)]),
      id: fc.option(fc.tuple(fc.constantFrom(...WORDS), fc.nat(9999)).map(([w, n]) => `${w}-trust-${n}`), { nil: undefined, freq: 8 }),
      statements: fc.array(statementArb(env, kinds), { minLength: minStatements, maxLength: maxStatements }),
      asObject: fc.boolean(),
    })
    .map(({ version, id, statements, asObject }) => {
      const doc: PolicyDocument = {};
      if (version !== undefined) doc.Version = version;
      if (id !== undefined) doc.Id = id;
      const list = uniqueSids(statements);
      doc.Statement = list.length === 1 && asObject ? list[0] : list;
      return doc;
    });
}

export interface Scenario {
  env: Env;
  ctx: EvaluationContext;
  policy: PolicyDocument;
}

/** A policy and the context of the role that carries it, drawn from one Env. */
export function scenarioArb(options: PolicyOptions = {}): fc.Arbitrary<Scenario> {
  return envArb.chain((env) => record({ env: fc.constant(env), ctx: contextArb(env), policy: trustPolicyArb(env, options) }));
}

/** A context on its own (for tests that draw the policy elsewhere). */
export const anyContextArb: fc.Arbitrary<EvaluationContext> = envArb.chain(contextArb);

/** A realistic policy on its own. */
export const anyTrustPolicyArb: fc.Arbitrary<PolicyDocument> = envArb.chain((env) => trustPolicyArb(env));

// ---------------------------------------------------------------------------------------------
// Hostile input

/** Any JS value fast-check can think of, including boxed values, Maps, typed arrays, null-prototype objects. */
export const anythingArb: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 4,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

export const jsonValueArb: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 5 });

/** A value nested `depth` levels deep, built iteratively (no recursion, any depth). */
export function deepNested(depth: number, shape: 'array' | 'object' | 'statement' = 'array', leaf: unknown = 'sts:AssumeRole'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) {
    if (shape === 'array') v = [v];
    else if (shape === 'object') v = { a: v };
    else v = { Statement: v };
  }
  return v;
}

/** JSON text of an array nested `depth` levels deep. */
export function deepNestedText(depth: number): string {
  return '['.repeat(depth) + '"x"' + ']'.repeat(depth);
}

export function hugeArray<T>(length: number, make: (i: number) => T): T[] {
  const out = new Array<T>(length);
  for (let i = 0; i < length; i++) out[i] = make(i);
  return out;
}

/** Strings that are not a policy: random text, broken JSON, malformed %-escapes, control chars. */
export const garbageStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  // Any UTF-16 code units, lone surrogates and controls included (fc.string's 'binary' unit does
  // this too but takes 1.5 s to construct).
  fc.array(fc.nat({ max: 0xffff }), { maxLength: 200 }).map((units) => String.fromCharCode(...units)),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[{}[\]":,a-z])*$/),
  fc.constantFrom('', ' ', '{', '[', '{"Statement":', 'null', 'true', '0', '"policy"', '%', '%7', '%E0%A4%A', '%7B%22Version%22', '%%%%', '\u0000', '\uFEFF{}', '{}}'),
  fc.lorem({ maxCount: 20 }),
);

/** encodeURIComponent, with lone surrogates (which it refuses) replaced by U+FFFD first. */
function encodeUri(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
}

/** URL-encoded text, of valid or broken JSON, sometimes encoded twice or truncated mid-escape. */
export const urlEncodedGarbageArb: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(jsonValueArb.map((v) => JSON.stringify(v) ?? 'undefined'), garbageStringArb, anyTrustPolicyArb.map((p) => JSON.stringify(p))), fc.nat(3), fc.nat(400))
  .map(([text, mode, cut]) => {
    const enc = encodeUri(text);
    if (mode === 0) return enc;
    if (mode === 1) return encodeURIComponent(enc);
    if (mode === 2) return enc.slice(0, cut);
    return enc.replace(/%2[2C]/g, '%');
  });

/** Long strings around and beyond the engine's input cap. */
export const longStringArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10_000, max: 300_000 }), fc.constantFrom('a', '{', '%7B', '[', ' ', '"'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

// ---------------------------------------------------------------------------------------------
// Wrong types in an otherwise valid policy

export interface WrongTypeCase {
  field: string;
  policy: PolicyDocument;
  /** Statement index the problem is reported on, or null for a document-level problem. */
  statement: number | null;
  /** Text the policy-invalid message must contain to name the place. */
  place: string;
}

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: false }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3, noNullPrototype: true }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
/** Not a string nor a non-empty list of strings. */
const notAStringList = fc.oneof(notAString.filter((v) => !Array.isArray(v)), fc.constant([]), fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.object()), { minLength: 1, maxLength: 3 }), fc.constant(['ok', 5]));
/** Not a JSON object (a string, number, list...). */
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
/** Not a condition value (scalar or non-empty list of scalars). */
const notAConditionValue = fc.oneof(fc.constant(null), fc.constant([]), fc.object({ maxDepth: 1 }), fc.constant([null]), fc.constant([{}]), fc.constant(['a', ['b']]));

function statementList(doc: PolicyDocument): Record<string, unknown>[] {
  const st = doc.Statement;
  return Array.isArray(st) ? (st as Record<string, unknown>[]) : [st as Record<string, unknown>];
}

/**
 * A valid realistic policy with exactly one field broken (wrong type, missing, forbidden), and
 * where the policy-invalid message must point.
 */
export const wrongTypeCaseArb: fc.Arbitrary<WrongTypeCase> = fc
  .tuple(anyTrustPolicyArb, fc.nat())
  .chain(([base, pick]) => {
    const statements = statementList(base).map((s) => ({ ...s }));
    const i = pick % statements.length;
    const where = `Statement[${i}]`;
    const withStatement = (s: Record<string, unknown>): PolicyDocument => {
      const list = statements.slice();
      list[i] = s;
      return { ...base, Statement: Array.isArray(base.Statement) ? list : list[0] };
    };
    const st = statements[i];
    const actionKey = 'NotAction' in st ? 'NotAction' : 'Action';
    const principalKeys = st.Principal && typeof st.Principal === 'object' ? Object.keys(st.Principal as object) : ['AWS'];
    const cases: fc.Arbitrary<WrongTypeCase>[] = [
      fc.oneof(notAString, fc.constantFrom('2012-10-18', '2012-10-17 ', '')).map((v) => ({ field: 'Version', policy: { ...base, Version: v }, statement: null, place: 'Version' })),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), fc.constant([])).map((v) => ({ field: 'Statement', policy: { ...base, Statement: v }, statement: null, place: 'Statement' })),
      fc.constant({ field: 'Statement (missing)', policy: Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'Statement')), statement: null, place: 'no Statement' }),
      fc.constantFrom('Statements', 'statement', 'Resource', 'Condition').map((k) => ({ field: 'top-level key', policy: { ...base, [k]: [] }, statement: null, place: `"${k}"` })),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), fc.array(fc.constant({}), { maxLength: 2 })).map((v) => {
        // Always a list here, so that the broken element is Statement[i] and not Statement itself.
        const list: unknown[] = statements.slice();
        list[i] = v;
        return { field: 'Statement[i]', policy: { ...base, Statement: list }, statement: i, place: where };
      }),
      fc.oneof(notAString, fc.constantFrom('allow', 'ALLOW', 'Permit', '')).map((v) => ({ field: 'Effect', policy: withStatement({ ...st, Effect: v }), statement: i, place: `${where}.Effect` })),
      fc.constant({ field: 'Effect (missing)', policy: withStatement(Object.fromEntries(Object.entries(st).filter(([k]) => k !== 'Effect'))), statement: i, place: `${where} has no Effect` }),
      fc.oneof(notAnObject.filter((v) => v !== '*'), fc.constant({})).map((v) => ({ field: 'Principal', policy: withStatement({ ...st, Principal: v }), statement: i, place: `${where}.Principal` })),
      fc.constant({ field: 'Principal (missing)', policy: withStatement(Object.fromEntries(Object.entries(st).filter(([k]) => k !== 'Principal'))), statement: i, place: `${where} has no Principal` }),
      fc.tuple(fc.constantFrom(...principalKeys), fc.oneof(notAStringList, fc.constantFrom([''], ' '))).map(([k, v]) => {
        const p = st.Principal && typeof st.Principal === 'object' ? (st.Principal as Record<string, unknown>) : {};
        return { field: `Principal.${k}`, policy: withStatement({ ...st, Principal: { ...p, [k]: v } }), statement: i, place: `${where}.Principal.${k}` };
      }),
      fc.constantFrom('Aws', 'aws', 'Services', 'Principal').map((k) => ({ field: 'Principal key', policy: withStatement({ ...st, Principal: { [k]: 'x' } }), statement: i, place: `"${k}"` })),
      notAStringList.map((v) => ({ field: actionKey, policy: withStatement({ ...st, [actionKey]: v }), statement: i, place: `${where}.${actionKey}` })),
      fc.constant({ field: 'Action (missing)', policy: withStatement(Object.fromEntries(Object.entries(st).filter(([k]) => k !== 'Action' && k !== 'NotAction'))), statement: i, place: `${where} has no Action` }),
      fc.constant({ field: 'Action and NotAction', policy: withStatement({ ...st, Action: 'sts:AssumeRole', NotAction: 'sts:TagSession' }), statement: i, place: `${where} has both Action and NotAction` }),
      fc.oneof(notAnObject.filter((v) => v !== undefined)).map((v) => ({ field: 'Condition', policy: withStatement({ ...st, Condition: v }), statement: i, place: `${where}.Condition` })),
      fc.tuple(spelled('StringEquals'), notAnObject).map(([op, v]) => ({ field: 'Condition operator block', policy: withStatement({ ...st, Condition: { [op]: v } }), statement: i, place: `${where}.Condition.${op}` })),
      fc.constantFrom('String Equals', 'StringEquals!', '', 'ForAnyValue:', '1StringEquals', 'ArnLike:').map((op) => ({ field: 'Condition operator name', policy: withStatement({ ...st, Condition: { [op]: { 'aws:SourceAccount': '1' } } }), statement: i, place: `${where}.Condition` })),
      fc.tuple(spelled('StringEquals'), spelled('aws:SourceAccount'), notAConditionValue).map(([op, key, v]) => ({ field: 'Condition value', policy: withStatement({ ...st, Condition: { [op]: { [key]: v } } }), statement: i, place: `${where}.Condition.${op}.${key}` })),
      notAString.map((v) => ({ field: 'Sid', policy: withStatement({ ...st, Sid: v }), statement: i, place: `${where}.Sid` })),
      fc.constantFrom('Resource', 'NotResource').map((k) => ({ field: k, policy: withStatement({ ...st, [k]: '*' }), statement: i, place: `${where} has ${k}` })),
      fc.constant({ field: 'Principal and NotPrincipal', policy: withStatement({ ...st, Principal: { AWS: '111122223333' }, NotPrincipal: { AWS: '111122223333' } }), statement: i, place: `${where} has both Principal and NotPrincipal` }),
    ];
    return fc.oneof(...cases);
  });
