/**
 * Sweep benchmark: 5,000 roles of the shapes EKS users have (most compliant, some fixable, some
 * only taggable) in a moto server on loopback, swept in-process by the real sweep (runSweep with
 * the runtime's wiring: same adapters, remediator, journal, SNS). Role creation is not timed.
 *
 * Prints, for a first sweep (many fixes and tags) and a second, daily-steady-state sweep (nothing
 * new): wall time, AWS calls by service and command, IAM read calls against pages read, peak
 * memory (rss and heapUsed, sampled every 20 ms); and the engine-only time to evaluate the same
 * 5,000 trust policies.
 *
 * Run: node scripts/run-ts.js bench/sweep.ts [--roles N]
 * (`npm run bench` runs it through bench/index.ts: export runSweepBench.)
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { InitializeMiddleware } from '@smithy/types';
import { ClientFactory } from '../lib/aws/clients';
import { journalTableDefinition } from '../lib/aws/journal';
import { evaluate } from '../lib/engine';
import { startMotoServer } from '../scripts/moto';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const OIDC = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
/** Roles created at once (moto is single-threaded per request; more does not help). */
const CREATE_CONCURRENCY = 32;

/** Role shapes and their share of the account (per 100 roles). */
const SHAPES: { name: string; per100: number; policy: (i: number) => object }[] = [
  { name: 'service', per100: 55, policy: () => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) },
  { name: 'node', per100: 10, policy: () => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) },
  {
    name: 'irsa',
    per100: 12,
    policy: (i) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com', [`${OIDC}:sub`]: `system:serviceaccount:team-${i % 40}:app-${i}` } },
        },
      ],
    }),
  },
  {
    name: 'pod-identity-ok',
    per100: 8,
    policy: () => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] }),
  },
  // Fixable: pod-identity-tag-session.
  { name: 'pod-identity-fix', per100: 5, policy: () => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }] }) },
  // Fixable: fargate-source-arn (fargate-role-policy stays open).
  { name: 'fargate-fix', per100: 3, policy: () => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) },
  // Taggable only: irsa-sub-missing.
  {
    name: 'irsa-open',
    per100: 4,
    policy: () => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com' } } }] }),
  },
  // Taggable only: untrusted-account, foreign-root-no-condition.
  { name: 'foreign', per100: 3, policy: (i) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${String(100000000000 + i)}:root` }, Action: 'sts:AssumeRole' }] }) },
];

export interface SweepRunFigures {
  wallMs: number;
  pages: number;
  byOutcome: Record<string, number>;
  calls: Record<string, number>;
  iamReadCalls: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  snsPublishes: number;
}

export interface SweepBenchResult {
  roles: number;
  createMs: number;
  first: SweepRunFigures;
  second: SweepRunFigures;
  engineMs: number;
  engineRolesPerSecond: number;
  baselineRssMb: number;
  /** IAM read calls of each sweep were at most its number of pages. */
  readsWithinPages: boolean;
}

const IAM_READS = new Set(['GetAccountAuthorizationDetails', 'GetRole', 'ListRoles', 'ListAttachedRolePolicies', 'ListRolePolicies', 'GetRolePolicy']);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

type AnyStack = { add(middleware: InitializeMiddleware<object, object>, options: { step: 'initialize'; name: string }): void };

/** Count commands by `service:Command` on a client (a middleware in the initialize step). */
function countCalls(service: string, client: { middlewareStack: unknown }, counts: Record<string, number>): void {
  const counter: InitializeMiddleware<object, object> = (next, context) => async (args) => {
    const key = `${service}:${String((context as { commandName?: string }).commandName ?? '?').replace(/Command$/, '')}`;
    counts[key] = (counts[key] ?? 0) + 1;
    return next(args);
  };
  (client.middlewareStack as AnyStack).add(counter, { step: 'initialize', name: `benchCount-${service}` });
}

async function createRoles(iam: IAMClient, count: number): Promise<{ name: string; policy: string }[]> {
  const roles: { name: string; policy: string }[] = [];
  for (let i = 0; i < count; i++) {
    let slot = i % 100;
    const shape = SHAPES.find((s) => (slot -= s.per100) < 0) ?? SHAPES[0];
    roles.push({ name: `bench-${shape.name}-${String(i).padStart(5, '0')}`, policy: JSON.stringify(shape.policy(i)) });
  }
  let next = 0;
  const worker = async () => {
    while (next < roles.length) {
      const r = roles[next++];
      await iam.send(new CreateRoleCommand({ RoleName: r.name, AssumeRolePolicyDocument: r.policy }));
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  return roles;
}

export async function runSweepBench(opts: { roles?: number } = {}): Promise<SweepBenchResult> {
  const roleCount = opts.roles ?? 5000;
  const moto = await startMotoServer();
  const saved = { ...process.env };
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: REGION,
      JOURNAL_TABLE: 'bench-journal',
      REMEDIATION_MODE: 'fix',
      EKS_REGIONS: REGION,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    delete process.env.TRUSTED_ACCOUNTS;
    delete process.env.EVENT_BUS_NAME;
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;

    // Setup (not timed): table, topic, roles.
    const setup = new ClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }).forTarget({ region: REGION });
    await setup.dynamodbClient.send(new CreateTableCommand({ TableName: 'bench-journal', ...journalTableDefinition }));
    process.env.NOTIFY_TOPIC_ARN = (await setup.sns.send(new CreateTopicCommand({ Name: 'bench-findings' }))).TopicArn!;
    const createStart = performance.now();
    const created = await createRoles(setup.iam, roleCount);
    const createMs = Math.round(performance.now() - createStart);

    // The runtime reads the environment above: load it now, quiet its per-role INFO lines.
    const runtime = await import('../lib/handler/runtime');
    const { buildSweepDeps } = await import('../lib/handler/scheduled');
    const { runSweep } = await import('../lib/sweep/sweep');
    runtime.resetRuntime();
    runtime.logger.setLogLevel('WARN');
    const counts: Record<string, number> = {};
    const clients = runtime.clientFactory().forTarget({ region: REGION, accountId: ACCOUNT });
    countCalls('iam', clients.iam, counts);
    countCalls('eks', clients.eks, counts);
    countCalls('sns', clients.sns, counts);
    countCalls('dynamodb', clients.dynamodbClient, counts);
    const baselineRss = process.memoryUsage().rss;

    const sweepOnce = async (sweepId: string): Promise<SweepRunFigures> => {
      for (const k of Object.keys(counts)) delete counts[k];
      global.gc?.();
      let peakRss = 0;
      let peakHeap = 0;
      const sample = () => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      };
      sample();
      const timer = setInterval(sample, 20);
      const start = performance.now();
      const result = await runSweep(buildSweepDeps(ACCOUNT), { sweepId });
      const wallMs = Math.round(performance.now() - start);
      clearInterval(timer);
      sample();
      const calls = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
      const iamReadCalls = Object.entries(calls)
        .filter(([k]) => k.startsWith('iam:') && IAM_READS.has(k.slice(4)))
        .reduce((n, [, v]) => n + v, 0);
      return { wallMs, pages: result.pages, byOutcome: result.byOutcome, calls, iamReadCalls, peakRssMb: mb(peakRss), peakHeapUsedMb: mb(peakHeap), snsPublishes: calls['sns:Publish'] ?? 0 };
    };

    const first = await sweepOnce('bench-1');
    const second = await sweepOnce('bench-2');

    // Engine only: the same policies, same context shape as the sweep gives, no I/O.
    const engineStart = performance.now();
    for (const r of created) evaluate(r.policy, { roleArn: `arn:aws:iam::${ACCOUNT}:role/${r.name}`, rolePath: '/', attachedPolicies: [], maxPolicyLength: 2048 });
    const engineMs = Math.round((performance.now() - engineStart) * 10) / 10;

    runtime.clientFactory().destroy();
    runtime.resetRuntime();
    setup.iam.destroy();
    setup.sns.destroy();
    setup.dynamodbClient.destroy();
    return {
      roles: roleCount,
      createMs,
      first,
      second,
      engineMs,
      engineRolesPerSecond: Math.round((roleCount / engineMs) * 1000),
      baselineRssMb: mb(baselineRss),
      readsWithinPages: first.iamReadCalls <= first.pages && second.iamReadCalls <= second.pages,
    };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await moto.stop();
  }
}

export function formatSweepBench(r: SweepBenchResult): string {
  const run = (label: string, f: SweepRunFigures) =>
    [
      `  ${label}: ${f.wallMs} ms wall, ${f.pages} page(s), outcomes ${JSON.stringify(f.byOutcome)}`,
      `    AWS calls: ${Object.entries(f.calls).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `    IAM read calls ${f.iamReadCalls} for ${f.pages} page(s): ${f.iamReadCalls <= f.pages ? 'within' : 'OVER'}; SNS publishes ${f.snsPublishes}`,
      `    peak rss ${f.peakRssMb} MB, peak heapUsed ${f.peakHeapUsedMb} MB`,
    ].join('\n');
  return [
    `sweep: ${r.roles} roles in moto (created in ${r.createMs} ms, not counted); process rss before the sweeps ${r.baselineRssMb} MB`,
    run('first sweep (fixes and tags)', r.first),
    run('second sweep (nothing new)', r.second),
    `  engine only, same ${r.roles} policies: ${r.engineMs} ms (${r.engineRolesPerSecond} roles/s)`,
    `  read calls at most the number of pages: ${r.readsWithinPages ? 'yes' : 'NO'}`,
  ].join('\n');
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (path.resolve(process.argv[1] ?? '') === __filename) {
  runSweepBench({ roles: flag('--roles') ? Number(flag('--roles')) : undefined })
    .then((r) => {
      console.log(formatSweepBench(r));
      if (!r.readsWithinPages) process.exitCode = 1;
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
