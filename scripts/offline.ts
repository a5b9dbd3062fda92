/**
 * serverless-offline (`serverless offline start --stage local`) as a child process on free
 * loopback ports, its functions pointed at an emulator (moto) through AWS_ENDPOINT_URL, with dummy
 * credentials. For the local playground (`npm run local`, scripts/local.ts), the API's HTTP tests
 * and its benchmark (test/support/offline.ts re-exports this file).
 *
 *   const api = await startOffline({ awsEndpoint: moto.endpoint });
 *   await fetch(`${api.url}/evaluate`, { method: 'POST', body });
 *   await api.stop();
 *
 * serverless-offline 14 does not implement AWS_IAM authorisation: it mistakes an httpApi
 * `authorizer: { type: aws_iam }` for a JWT authorizer and fails at start ("only supports
 * retrieving JWT from the headers (undefined)"). So it is started with --noAuth: locally no SigV4
 * signature is checked. A caller can still be simulated per request with the header
 * `sls-offline-authorizer-override: {"iam":{"userArn":"…"}}` (it becomes
 * requestContext.authorizer, where the api reads the actor).
 *
 * A child still running when this process exits (crash, process.exit, Ctrl-C handled by the
 * caller) is killed with its process group from an 'exit' hook, so nothing is left behind.
 *
 * Uses Node built-ins only (and scripts/moto.ts for free ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, PROJECT_ROOT } from './moto';

const SERVERLESS_BIN = path.join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/** Bundling five functions and starting takes about 4 s here. */
export const OFFLINE_READY_TIMEOUT_MS = 45_000;

/** moto's fixed account id, which the local stage's names use. */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';
/** What the local stage of serverless.yml names (params.local). */
export const LOCAL_NAMES = {
  journalTable: 'eks-trust-guard-local-journal',
  topicName: 'eks-trust-guard-local-notifications',
  topicArn: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:eks-trust-guard-local-notifications`,
};

/** Credential and profile variables not handed to the child: it must use the dummy ones. */
export const CREDENTIAL_VARIABLES: readonly string[] = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
];

export interface OfflineOptions {
  /** The emulator every AWS SDK call of the functions goes to. */
  awsEndpoint: string;
  /** Extra environment for the child. serverless-offline hands only AWS_* variables to functions. */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /** The HTTP port to listen on (default: a free one). */
  httpPort?: number;
  /** Called with everything the child prints (its start, request lines, the functions' logs). */
  onOutput?: (chunk: string) => void;
}

export interface OfflineServer {
  /** e.g. http://127.0.0.1:PORT (the HTTP API, no stage prefix). */
  url: string;
  httpPort: number;
  lambdaPort: number;
  /** What the child printed so far (its start, the functions' log lines; capped). */
  output(): string;
  /** Settles when the child has exited (stopped, or died on its own). */
  exited: Promise<void>;
  /** Stop the child (SIGTERM to its process group, SIGKILL after 5 s); safe to call twice. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OUTPUT_CAP = 256 * 1024;

/** Children still running, with their build folders; killed and removed if this process exits first. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;
function track(child: ChildProcess, workFolder: string): void {
  running.set(child, workFolder);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [c, folder] of running) {
      try {
        if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      rmSync(path.join(PROJECT_ROOT, folder), { recursive: true, force: true });
    }
  });
}

/** Start serverless-offline and wait until its HTTP server answers. */
export async function startOffline(opts: OfflineOptions): Promise<OfflineServer> {
  const httpPort = opts.httpPort ?? (await freePort());
  let lambdaPort = await freePort();
  while (lambdaPort === httpPort) lambdaPort = await freePort();
  // A HOME of our own (no ~/.aws), and a build folder of our own (a concurrent `package` or
  // `invoke local` cleans up its own).
  const home = path.join(tmpdir(), 'eks-trust-guard-serverless-home');
  mkdirSync(home, { recursive: true });
  const workFolder = path.join('.esbuild', `offline-${process.pid}-${Date.now()}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    AWS_ENDPOINT_URL: opts.awsEndpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // The api's account when the request context has none (serverless-offline's is a placeholder).
    AWS_ACCOUNT_ID: LOCAL_ACCOUNT,
    ESBUILD_WORK_FOLDER: workFolder,
    ...opts.env,
  };
  for (const name of CREDENTIAL_VARIABLES) delete env[name];

  const child: ChildProcess = spawn(
    process.execPath,
    [SERVERLESS_BIN, 'offline', 'start', '--stage', 'local', '--host', '127.0.0.1', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort), '--noAuth'],
    // Its own process group: stop() ends it and whatever it started (esbuild's service).
    { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  track(child, workFolder);
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    if (output.length < OUTPUT_CAP) output += text;
    opts.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
    child.once('error', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(killer);
      // Helpers the group may still hold (esbuild) go with it.
      signalGroup('SIGKILL');
    }
    rmSync(path.join(PROJECT_ROOT, workFolder), { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? OFFLINE_READY_TIMEOUT_MS);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`serverless offline exited before answering:\n${output.trim()}`);
    }
    // serverless-offline does not exit on a start-up error: it prints it and waits.
    if (/\bError:|Unexpected error while starting/.test(output)) {
      await stop();
      throw new Error(`serverless offline failed to start:\n${output.trim()}`);
    }
    if (await answers(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`serverless offline on ${url} did not answer within ${opts.readyTimeoutMs ?? OFFLINE_READY_TIMEOUT_MS} ms:\n${output.trim()}`);
    }
    await sleep(200);
  }
  return { url, httpPort, lambdaPort, output: () => output, exited: exitedPromise, stop };
}

/** Any HTTP answer (serverless-offline answers 404 JSON on /) means the server is up. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
