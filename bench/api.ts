/**
 * API benchmark: `POST /evaluate` over serverless-offline (local stage, the real `api` bundle as
 * serverless-esbuild builds it) on loopback, with moto as the functions' AWS (the route itself
 * never calls AWS). The load generator is Node's own http client: a keep-alive agent with N
 * sockets, N workers sending requests back to back until a fixed total is reached (bounded).
 *
 * Prints requests per second and latency percentiles of the measured phase; a warm-up phase
 * (N x 10 requests) first lets serverless-offline start its worker threads and the handler's
 * cold starts happen outside the measurement (the first request's latency is shown apart).
 *
 * Run: node scripts/run-ts.js bench/api.ts [--requests 2000] [--connections 10]
 * (`npm run bench` runs it through bench/index.ts when that calls runApiBench.)
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLocalStage } from '../scripts/local-stage';
import { ClientFactory } from '../lib/aws/clients';
import { startMotoServer } from '../scripts/moto';
import { startOffline } from '../test/support/offline';

const ACCOUNT = '123456789012';

/** An EKS Fargate Pod execution role without aws:SourceArn: findings and a fix to compute. */
const BODY = JSON.stringify({
  policy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'eks-fargate-pods.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  roleArn: `arn:aws:iam::${ACCOUNT}:role/AmazonEKSFargatePodExecutionRole`,
});

export interface ApiBenchOptions {
  /** Measured requests (default 2,000). */
  requests?: number;
  /** Concurrent keep-alive connections (default 10). */
  connections?: number;
}

export interface ApiBenchResult {
  route: string;
  requests: number;
  connections: number;
  warmupRequests: number;
  offlineStartMs: number;
  firstRequestMs: number;
  wallMs: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statuses: Record<string, number>;
  errors: number;
  bodyBytes: number;
}

interface Shot {
  status: number;
  ms: number;
}

function post(agent: http.Agent, port: number, body: string): Promise<Shot> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/evaluate', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `total` requests over `connections` workers; failures are counted, not thrown. */
async function drive(agent: http.Agent, port: number, total: number, connections: number): Promise<{ shots: Shot[]; errors: number; wallMs: number }> {
  const shots: Shot[] = [];
  let errors = 0;
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      try {
        shots.push(await post(agent, port, BODY));
      } catch {
        errors++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { shots, errors, wallMs: performance.now() - start };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runApiBench(opts: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const requests = opts.requests ?? 2000;
  const connections = opts.connections ?? 10;
  const moto = await startMotoServer();
  let offline: Awaited<ReturnType<typeof startOffline>> | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  try {
    // The local stage's table and topic (POST /evaluate touches neither; the handler's wiring does
    // not call AWS at start either).
    const setup = new ClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }).forTarget({ region: 'us-east-1' });
    await createLocalStage(setup);
    setup.dynamodbClient.destroy();
    setup.sns.destroy();

    const startAt = performance.now();
    offline = await startOffline({ awsEndpoint: moto.endpoint });
    const offlineStartMs = Math.round(performance.now() - startAt);

    const first = await post(agent, offline.httpPort, BODY);
    if (first.status !== 200) throw new Error(`POST /evaluate answered ${first.status} on the first request:\n${offline.output().slice(-2000)}`);
    const warmupRequests = connections * 10;
    await drive(agent, offline.httpPort, warmupRequests, connections);

    const { shots, errors, wallMs } = await drive(agent, offline.httpPort, requests, connections);
    const latencies = shots.map((s) => s.ms).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const s of shots) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    return {
      route: 'POST /evaluate',
      requests,
      connections,
      warmupRequests,
      offlineStartMs,
      firstRequestMs: round(first.ms),
      wallMs: Math.round(wallMs),
      requestsPerSecond: Math.round((shots.length / wallMs) * 1000),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p90: round(percentile(latencies, 90)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies[latencies.length - 1] ?? NaN),
        mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
      },
      statuses,
      errors,
      bodyBytes: Buffer.byteLength(BODY),
    };
  } finally {
    agent.destroy();
    await offline?.stop();
    await moto.stop();
  }
}

export function formatApiBench(r: ApiBenchResult): string {
  const l = r.latencyMs;
  return [
    `api: ${r.route} over serverless-offline on loopback, ${r.requests} requests (${r.bodyBytes}-byte body), ${r.connections} keep-alive connections, after ${r.warmupRequests} warm-up requests`,
    `  ${r.requestsPerSecond} requests/s (${r.wallMs} ms wall); latency p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms, mean ${l.mean} ms`,
    `  statuses ${JSON.stringify(r.statuses)}, transport errors ${r.errors}; serverless-offline ready in ${r.offlineStartMs} ms, first request (cold) ${r.firstRequestMs} ms`,
  ].join('\n');
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (path.resolve(process.argv[1] ?? '') === __filename) {
  runApiBench({ requests: flag('--requests') ? Number(flag('--requests')) : undefined, connections: flag('--connections') ? Number(flag('--connections')) : undefined })
    .then((r) => {
      console.log(formatApiBench(r));
      if (r.errors > 0 || Object.keys(r.statuses).some((s) => s !== '200')) process.exitCode = 1;
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
