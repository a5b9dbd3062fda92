/**
 * iamEvents as Lambda runs it: bundle size (as serverless-esbuild builds it), module
 * initialisation time (median of 10 fresh processes), and AWS calls per event against moto,
 * counted by a loopback proxy in front of the emulator (real SDK clients, real requests).
 *
 *   node scripts/run-ts.js bench/lambda.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Context } from 'aws-lambda';
import { startMotoServer } from '../scripts/moto';

const ROOT = path.join(__dirname, '..');

export interface LambdaBenchResult {
  bundleBytes: number;
  deflatedBytes: number;
  initMs: number[];
  initMedianMs: number;
  callsFix: string[];
  callsCompliant: string[];
  callsDuplicate: string[];
}

async function bundle(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'iamEvents.js');
  // The settings of serverless.yml's custom.esbuild (alias: the environment-only credential chain,
  // the Map-based LRU cache; plugins: the SDK clients' package.json reduced to their version).
  await build({
    entryPoints: [path.join(ROOT, 'functions/iamEvents.ts')],
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    alias: {
      '@aws-sdk/credential-provider-node': path.join(ROOT, 'lib/aws/lambda-credentials.ts'),
      'mnemonist/lru-cache': path.join(ROOT, 'lib/aws/lru-cache.ts'),
    },
    // The CommonJS list serverless-esbuild loads.
    plugins: require(path.join(ROOT, 'infra/esbuild-plugins.js')),
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

function initTimes(file: string, runs = 10): number[] {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    out.push(Number(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' } }).toString()));
  }
  return out;
}

/** A counting proxy: which AWS API each request names (query Action, JSON X-Amz-Target, REST path). */
function countingProxy(target: URL, seen: string[]): Promise<{ server: Server; endpoint: string }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        const action = /(?:^|&)Action=([A-Za-z]+)/.exec(text)?.[1] ?? (req.headers['x-amz-target'] as string | undefined)?.split('.').pop() ?? `${req.method} ${req.url?.split('?')[0]}`;
        seen.push(action);
        const fwd = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        fwd.end(body);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, endpoint: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
    });
  });
}

async function callsPerEvent(): Promise<{ fix: string[]; compliant: string[]; duplicate: string[] }> {
  const moto = await startMotoServer();
  const seen: string[] = [];
  const proxy = await countingProxy(new URL(moto.endpoint), seen);
  try {
    const { ClientFactory } = await import('../lib/aws/clients');
    const { journalTableDefinition } = await import('../lib/aws/journal');
    const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
    const { CreateTopicCommand } = await import('@aws-sdk/client-sns');
    const { CreateRoleCommand } = await import('@aws-sdk/client-iam');
    const setup = new ClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: 'b', secretAccessKey: 'b' } }).forTarget({ region: 'us-east-1' });
    await setup.dynamodbClient.send(new CreateTableCommand({ TableName: 'journal', ...journalTableDefinition }));
    const topic = (await setup.sns.send(new CreateTopicCommand({ Name: 'bench' }))).TopicArn!;
    const pod = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } }] };
    const node = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await setup.iam.send(new CreateRoleCommand({ RoleName: 'bench-fix', AssumeRolePolicyDocument: JSON.stringify(pod) }));
    await setup.iam.send(new CreateRoleCommand({ RoleName: 'bench-ok', AssumeRolePolicyDocument: JSON.stringify(node) }));
    // Idempotency is the journal's conditional write (one TransactWriteItems per fix): measured here.
    Object.assign(process.env, { AWS_ENDPOINT_URL: proxy.endpoint, AWS_ACCESS_KEY_ID: 'b', AWS_SECRET_ACCESS_KEY: 'b', AWS_REGION: 'us-east-1', JOURNAL_TABLE: 'journal', NOTIFY_TOPIC_ARN: topic, POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' });
    const { handler } = await import('../functions/iamEvents');
    const context = { awsRequestId: 'b', functionName: 'bench', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
    const event = (roleName: string, n: number) => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: '123456789012', region: 'us-east-1', detail: { eventID: `b-${n}`, eventName: 'UpdateAssumeRolePolicy', eventSource: 'iam.amazonaws.com', recipientAccountId: '123456789012', requestParameters: { roleName } } });
    seen.length = 0;
    await handler(event('bench-fix', 1), context);
    const fix = seen.splice(0);
    await handler(event('bench-ok', 2), context);
    const compliant = seen.splice(0);
    // A second delivery of the fix's event after the policy was reverted: the journal refuses it.
    const { UpdateAssumeRolePolicyCommand } = await import('@aws-sdk/client-iam');
    await setup.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'bench-fix', PolicyDocument: JSON.stringify(pod) }));
    seen.length = 0;
    await handler(event('bench-fix', 1), context);
    const duplicate = seen.splice(0);
    return { fix, compliant, duplicate };
  } finally {
    proxy.server.close();
    await moto.stop();
  }
}

export async function runLambdaBench(): Promise<LambdaBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'etg-lambda-'));
  try {
    const file = await bundle(dir);
    const bytes = readFileSync(file);
    const initMs = initTimes(file);
    const sorted = [...initMs].sort((a, b) => a - b);
    const { fix, compliant, duplicate } = await callsPerEvent();
    return {
      bundleBytes: bytes.length,
      deflatedBytes: deflateRawSync(bytes, { level: 9 }).length,
      initMs,
      initMedianMs: (sorted[4] + sorted[5]) / 2,
      callsFix: fix,
      callsCompliant: compliant,
      callsDuplicate: duplicate,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatLambdaBench(r: LambdaBenchResult): string {
  return [
    `lambda: iamEvents bundle ${(r.bundleBytes / 1024).toFixed(0)} KiB = ${r.bundleBytes} bytes (${(r.deflatedBytes / 1024).toFixed(0)} KiB compressed, as in the deployment zip); target < 500 KB`,
    `  module initialisation, median of ${r.initMs.length} fresh processes: ${r.initMedianMs.toFixed(1)} ms (runs ${r.initMs.map((t) => t.toFixed(0)).join(', ')}); target < 150 ms`,
    `  AWS calls for a fix: ${r.callsFix.length} (${r.callsFix.join(', ')})`,
    `  AWS calls for a compliant role: ${r.callsCompliant.length} (${r.callsCompliant.join(', ')})`,
    `  AWS calls for a second delivery of the fix's event (policy reverted meanwhile): ${r.callsDuplicate.length} (${r.callsDuplicate.join(', ')})`,
  ].join('\n');
}

if (process.argv[1]?.endsWith('lambda.ts')) {
  runLambdaBench()
    .then((r) => console.log(formatLambdaBench(r)))
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
