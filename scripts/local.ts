/**
 * `npm run local`: the whole service on this machine, to play with by hand. It starts the AWS
 * emulator (moto; installed into .venv when python3 lacks it), creates what serverless.yml's
 * `local` stage expects in it (journal table, notification topic), seeds a few
 * example EKS roles, starts the real `api` function under serverless-offline (`--stage local
 * --noAuth`) and prints a ready-to-paste curl command for every API route, plus the command that
 * shows the Slack messages the notifications become (scripts/slack-preview.ts). Runs until Ctrl-C,
 * then stops both servers.
 *
 *   node scripts/run-ts.js scripts/local.ts [--port PORT] [--logs] [--once]
 *
 * Locally nothing is SigV4-checked: serverless-offline 14 cannot do AWS_IAM authorisation
 * (scripts/offline.ts). Deployed, the API is AWS_IAM-authorised.
 *
 * `startLocal()` is the same thing for programs (test/scripts/local.test.ts).
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { ClientFactory, type AwsClients } from '../lib/aws/clients';
import { ensureMoto, startMotoServer, type MotoServer } from './moto';
import { LOCAL_ACCOUNT, LOCAL_NAMES, LOCAL_REGION, startOffline, type OfflineServer } from './offline';

export { EXAMPLE_ROLES, type ExampleRole } from './example-roles';
export { createLocalStage } from './local-stage';
import { createLocalStage } from './local-stage';
import { EXAMPLE_ROLES, type ExampleRole } from './example-roles';
import { argsOrUsage, bold, dim } from './tty';

/** The role the printed remediate / rollback commands use. */
export const DEMO_ROLE = 'example-pod-identity';

/**
 * The printed `POST /evaluate`: a Fargate role's policy without aws:SourceArn, with the role's ARN
 * (its account is what the fix pins aws:SourceArn to).
 */
const EVALUATE_BODY = { policy: EXAMPLE_ROLES[0].policy, roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/my-fargate-role` };

export interface RouteCall {
  /** What the call does, one line. */
  what: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** One call per API route (CONTRACTS.md), in the order a new user would try them. */
export const ROUTE_CALLS: RouteCall[] = [
  { what: 'evaluate a policy (never touches AWS)', method: 'POST', path: '/evaluate', body: EVALUATE_BODY },
  { what: 'evaluate a live role', method: 'GET', path: `/roles/${DEMO_ROLE}` },
  { what: 'fix it now (the original policy is journaled first)', method: 'POST', path: `/roles/${DEMO_ROLE}/remediate` },
  { what: 'undo that change (journaled too; the role is then left alone for 24 h)', method: 'POST', path: `/roles/${DEMO_ROLE}/rollback` },
  { what: 'sweep the whole account (locally in-process: answers the summary)', method: 'POST', path: '/sweep' },
];

/** `curl …` for a call: copy-pasteable into a POSIX shell. */
export function curlCommand(apiUrl: string, call: RouteCall): string {
  const parts = ['curl -s'];
  if (call.method !== 'GET') parts.push(`-X ${call.method}`);
  parts.push(`${apiUrl}${call.path}`);
  if (call.body !== undefined) parts.push(`-H 'content-type: application/json' -d '${JSON.stringify(call.body)}'`);
  return parts.join(' ');
}

export function slackPreviewCommand(motoEndpoint: string): string {
  return `npm run slack-preview -- --endpoint ${motoEndpoint}`;
}

/** Create the local stage's tables and topic (serverless.yml params.local) in the emulator. */

export async function seedExampleRoles(clients: AwsClients, roles: ExampleRole[] = EXAMPLE_ROLES): Promise<void> {
  await Promise.all(roles.map((r) => clients.iam.send(new CreateRoleCommand({ RoleName: r.name, AssumeRolePolicyDocument: JSON.stringify(r.policy), Description: r.what }))));
}

export interface LocalOptions {
  /** The API's port (default: a free loopback port). */
  port?: number;
  /** Install moto into .venv when python3 lacks it (default true; the tests pass false). */
  install?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** serverless-offline's own output (request lines, the functions' logs); default: dropped. */
  onApiOutput?: (chunk: string) => void;
}

export interface LocalPlayground {
  /** The API, e.g. http://127.0.0.1:3000 (no stage prefix). */
  apiUrl: string;
  /** The emulator, e.g. http://127.0.0.1:41234 (AWS_ENDPOINT_URL for the AWS CLI or SDKs). */
  motoEndpoint: string;
  roles: ExampleRole[];
  /** Settles when serverless-offline exits (stopped, or died on its own). */
  apiExited: Promise<void>;
  /** Stop the API, then the emulator; safe to call twice. */
  stop(): Promise<void>;
}

/** Fails with a short message when something already listens on 127.0.0.1:port. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} is already in use on 127.0.0.1: choose another with --port, or leave --port out for a free one` : `cannot listen on 127.0.0.1:${port}: ${err.message}`)),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Start the emulator, create the local stage and the example roles, start the API. */
export async function startLocal(opts: LocalOptions = {}): Promise<LocalPlayground> {
  const log = opts.log ?? (() => undefined);
  if (opts.port !== undefined) await assertPortFree(opts.port);
  const python = opts.install === false ? undefined : ensureMoto({ log });
  const moto: MotoServer = await startMotoServer({ python });
  log(`moto (AWS emulator) on ${moto.endpoint}`);
  const factory = new ClientFactory({ endpoint: moto.endpoint, maxAttempts: 2, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  let api: OfflineServer | undefined;
  try {
    const clients = factory.forTarget({ region: LOCAL_REGION });
    await createLocalStage(clients);
    await seedExampleRoles(clients);
    log(`created ${LOCAL_NAMES.journalTable}, ${LOCAL_NAMES.topicName} and ${EXAMPLE_ROLES.length} example roles`);
    log('starting serverless-offline (bundles the functions first, a few seconds) ...');
    api = await startOffline({ awsEndpoint: moto.endpoint, httpPort: opts.port, onOutput: opts.onApiOutput });
  } catch (err) {
    await moto.stop();
    throw err;
  } finally {
    factory.destroy();
  }
  const offline = api;
  let stopping: Promise<void> | undefined;
  return {
    apiUrl: offline.url,
    motoEndpoint: moto.endpoint,
    roles: EXAMPLE_ROLES,
    apiExited: offline.exited,
    stop: () => (stopping ??= offline.stop().finally(() => moto.stop())),
  };
}

// ------------------------------------------------------------------ command line


const USAGE = `usage: npm run local [-- --port PORT] [--logs] [--once] [--no-install]
  --port PORT   serve the API on this loopback port (default: a free one)
  --logs        also print serverless-offline's output (requests, the functions' logs)
  --once        start everything, print the commands, stop (a smoke check)
  --no-install  never install moto into .venv (fail with what to run instead)`;

interface Args {
  port?: number;
  logs: boolean;
  once: boolean;
  install: boolean;
}

export function parseArgs(argv: string[]): Args | { error: string } | 'help' {
  const args: Args = { logs: false, once: false, install: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--logs') args.logs = true;
    else if (a === '--once') args.once = true;
    else if (a === '--no-install') args.install = false;
    else if (a === '--port' || a.startsWith('--port=')) {
      const value = a === '--port' ? argv[++i] : a.slice('--port='.length);
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: `--port needs a port number (1-65535), not "${value ?? ''}"` };
      args.port = port;
    } else return { error: `unknown argument "${a}"` };
  }
  return args;
}

/** What is printed once everything is up. */
export function banner(local: Pick<LocalPlayground, 'apiUrl' | 'motoEndpoint' | 'roles'>): string {
  const lines = [
    `${bold('API')}   ${local.apiUrl}   ${dim('(serverless-offline, stage local; not SigV4-checked here, AWS_IAM when deployed)')}`,
    `${bold('moto')}  ${local.motoEndpoint}   ${dim('(AWS emulator: AWS_ENDPOINT_URL for the AWS CLI or SDKs)')}`,
    '',
    bold('Example roles'),
    ...local.roles.map((r) => `  ${r.name.padEnd(30)} ${dim(r.what)}`),
    '',
    bold('Call every route') + dim(' (paste into another terminal)'),
  ];
  for (const call of ROUTE_CALLS) lines.push(dim(`  # ${call.what}`), `  ${curlCommand(local.apiUrl, call)}`);
  lines.push(
    '',
    bold('See the Slack messages the notifications become') + dim(' (what slackNotifier posts to the webhook)'),
    `  ${slackPreviewCommand(local.motoEndpoint)}`,
    '',
    dim('Ctrl-C stops the API and the emulator (everything in them is forgotten).'),
  );
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const args = argsOrUsage(parseArgs(argv), USAGE);
  if (args === null) return;

  let local: LocalPlayground | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // A second Ctrl-C, or one while starting: exit now; the exit hooks of scripts/moto.ts and
    // scripts/offline.ts kill the children.
    if (stopping || !local) process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
    stopping = true;
    console.log(dim('\nstopping the API and the emulator ...'));
    void local.stop().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));

  // Node 20 is supported here; the SDK's notice about its future releases is noise in this output.
  process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
  console.log(bold('eks-trust-guard local playground') + dim(' (moto + serverless-offline on loopback; nothing leaves this machine)'));
  try {
    local = await startLocal({ port: args.port, install: args.install, log: (line) => console.log(dim(line)), onApiOutput: args.logs ? (chunk) => process.stdout.write(dim(chunk)) : undefined });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
  console.log(`\n${banner(local)}`);
  if (args.once) {
    stopping = true;
    await local.stop();
    return;
  }
  void local.apiExited.then(() => {
    if (stopping) return;
    console.error('serverless-offline exited on its own; stopping the emulator.');
    void local!.stop().then(() => process.exit(1));
  });
}

// Run as a script (directly or through scripts/run-ts.js, which sets argv[1] to this file).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  void main(process.argv.slice(2));
}
