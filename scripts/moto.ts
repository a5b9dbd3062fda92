/**
 * Local AWS emulator (moto server) for the demo (`npm start`) and the integration tests.
 *
 * - `startMotoServer()` runs `python -m moto.server -H 127.0.0.1 -p PORT` on a free loopback port,
 *   waits until it answers, and hands back its endpoint and helpers. It never installs anything:
 *   when python3 or moto is missing it fails with a message saying what to run.
 * - `ensureMoto()` (demo only) also installs `moto[server]` into a project-local `.venv` when the
 *   system python3 lacks it.
 *
 * `node scripts/run-ts.js scripts/moto.ts install` runs ensureMoto(); `... serve` also starts a
 * server and keeps it until Ctrl-C.
 *
 * Uses only Node built-ins: nothing from lib/, no AWS SDK.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const VENV_DIR = path.join(PROJECT_ROOT, '.venv');
export const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');

/** How long a fresh moto server may take to answer (it takes about half a second here). */
export const READY_TIMEOUT_MS = 20_000;

export const INSTALL_INSTRUCTIONS = [
  'The AWS emulator (moto server) is not available. Either install it for python3:',
  "    python3 -m pip install 'moto[server]'",
  'or into a project-local virtual environment (used automatically when present):',
  "    python3 -m venv .venv && .venv/bin/pip install 'moto[server]'",
  '(on Debian/Ubuntu, `python3 -m venv` needs: sudo apt-get install python3-venv)',
  'or let the demo do the latter: node scripts/run-ts.js scripts/moto.ts install',
].join('\n');

export class MotoUnavailableError extends Error {
  constructor(reason: string) {
    super(`${reason}\n${INSTALL_INSTRUCTIONS}`);
    this.name = 'MotoUnavailableError';
  }
}

export interface SnsMessage {
  topicArn: string;
  messageId: string;
  subject: string | null;
  message: string;
  /** Message attributes as moto keeps them: name -> { type: 'String' | 'String.Array' | ..., value }. */
  attributes: Record<string, { type: string; value: string }>;
}

export interface MotoServer {
  endpoint: string;
  port: number;
  /** The python interpreter running it. */
  python: string;
  /** Forget every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Everything published to any SNS topic, oldest first per topic (GET /moto-api/data.json). */
  snsMessages(): Promise<SnsMessage[]>;
  /** Stop the server; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Interpreter to run; default: the project's .venv python when present, else python3. */
  python?: string;
  readyTimeoutMs?: number;
  /** Extra environment for the server process. */
  env?: NodeJS.ProcessEnv;
}

/** The project's .venv python when it exists, else `python3` from PATH. */
export function defaultPython(): string {
  return existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';
}

/** A loopback port nobody listens on right now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children still running, killed if this process exits without stopping them (crash, Ctrl-C). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

/** Start a moto server on a free loopback port and wait until it answers. */
export async function startMotoServer(opts: StartOptions = {}): Promise<MotoServer> {
  const python = opts.python ?? defaultPython();
  // The port may be taken between freePort() and moto's bind: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(python, await freePort(), opts);
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

async function startOnce(python: string, port: number, opts: StartOptions): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PYTHONUNBUFFERED: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    // Keep the start of the output (the reason it died) and not every request line.
    if (output.length < 8192) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      resolve();
    });
  });

  // moto keeps everything in memory, so there is nothing to shut down gracefully; SIGKILL takes
  // ~10 ms where SIGTERM took 200-600 ms here.
  const stop = async () => {
    if (exited || spawnError) return;
    child.kill('SIGKILL');
    await exitedPromise;
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
  for (;;) {
    if (spawnError) {
      throw spawnError.code === 'ENOENT'
        ? new MotoUnavailableError(`Cannot run ${python}: not found. The emulator needs Python 3 with moto.`)
        : new MotoUnavailableError(`Cannot run ${python}: ${spawnError.message}`);
    }
    if (exited) {
      if (/address already in use|errno 98/i.test(output)) throw new PortInUseError(`port ${port} is taken`);
      const reason = /No module named/.test(output)
        ? `${python} has no moto server module (${firstLine(output, /No module named.*/)}).`
        : `moto server exited (code ${exited.code ?? exited.signal}) before answering:\n${output.trim()}`;
      throw new MotoUnavailableError(reason);
    }
    if (await answers(`${endpoint}/moto-api/`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto server on ${endpoint} did not answer within ${opts.readyTimeoutMs ?? READY_TIMEOUT_MS} ms:\n${output.trim()}`);
    }
    await sleep(100);
  }
  child.stdout?.removeListener('data', collect);
  child.stderr?.removeListener('data', collect);
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();

  return {
    endpoint,
    port,
    python,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async snsMessages() {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (!res.ok) throw new Error(`moto data.json failed: HTTP ${res.status}`);
      return parseSnsMessages(await res.json());
    },
    stop,
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function firstLine(text: string, re: RegExp): string {
  return (re.exec(text)?.[0] ?? '').trim();
}

/**
 * moto 5.2's data.json keeps, per topic, `sent_notifications` as tuples
 * `[messageId, message, subject|null, {name: {Type, Value}}, groupId|null]`.
 */
export function parseSnsMessages(data: unknown): SnsMessage[] {
  const topics = (data as { sns?: { Topic?: unknown } } | null)?.sns?.Topic;
  if (!Array.isArray(topics)) return [];
  const out: SnsMessage[] = [];
  for (const topic of topics as Array<{ arn?: string; sent_notifications?: unknown }>) {
    if (!Array.isArray(topic.sent_notifications)) continue;
    for (const sent of topic.sent_notifications as unknown[][]) {
      const [messageId, message, subject, attrs] = sent;
      const attributes: SnsMessage['attributes'] = {};
      if (attrs && typeof attrs === 'object') {
        for (const [name, v] of Object.entries(attrs as Record<string, { Type?: string; Value?: string }>)) {
          attributes[name] = { type: String(v?.Type ?? ''), value: String(v?.Value ?? '') };
        }
      }
      out.push({
        topicArn: String(topic.arn ?? ''),
        messageId: String(messageId ?? ''),
        subject: typeof subject === 'string' ? subject : null,
        message: String(message ?? ''),
        attributes,
      });
    }
  }
  return out;
}

export type CommandRunner = (cmd: string, args: string[]) => Pick<SpawnSyncReturns<string>, 'status' | 'error' | 'stderr'>;

const runCommand: CommandRunner = (cmd, args) =>
  spawnSync(cmd, args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });

export interface EnsureOptions {
  /** Progress messages (default: console.error, so stdout stays clean for the demo's report). */
  log?: (line: string) => void;
  /** For tests: how commands are run. */
  run?: CommandRunner;
  /** For tests: does the venv python exist. */
  venvExists?: () => boolean;
}

function importsMoto(python: string, run: CommandRunner): boolean {
  const r = run(python, ['-c', 'import moto.server']);
  return !r.error && r.status === 0;
}

/**
 * A python interpreter that can run moto's server: the project .venv's, else python3's, else a
 * fresh .venv with `moto[server]` installed into it. Throws MotoUnavailableError (whose message
 * says what to run) when none of that works.
 */
export function ensureMoto(opts: EnsureOptions = {}): string {
  const log = opts.log ?? ((line: string) => console.error(line));
  const run = opts.run ?? runCommand;
  const venvExists = opts.venvExists ?? (() => existsSync(VENV_PYTHON));

  if (venvExists() && importsMoto(VENV_PYTHON, run)) return VENV_PYTHON;
  if (importsMoto('python3', run)) return 'python3';

  const probe = run('python3', ['--version']);
  if (probe.error || probe.status !== 0) {
    throw new MotoUnavailableError('python3 was not found; the emulator needs Python 3.');
  }
  if (!venvExists()) {
    log(`moto is not installed for python3: creating ${path.relative(PROJECT_ROOT, VENV_DIR) || '.venv'} ...`);
    const venv = run('python3', ['-m', 'venv', VENV_DIR]);
    if (venv.error || venv.status !== 0) {
      throw new MotoUnavailableError(`Creating the virtual environment failed:\n${(venv.stderr ?? '').trim()}`);
    }
  }
  log("installing 'moto[server]' into .venv (needs network access to PyPI) ...");
  const pip = run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', 'moto[server]']);
  if (pip.error || pip.status !== 0) {
    throw new MotoUnavailableError(`Installing moto[server] into .venv failed:\n${(pip.stderr ?? '').trim()}`);
  }
  if (!importsMoto(VENV_PYTHON, run)) {
    throw new MotoUnavailableError('moto[server] was installed into .venv but `import moto.server` still fails.');
  }
  return VENV_PYTHON;
}

/** Demo entry: ensure moto (installing it if needed) and start it; on failure print and exit 1. */
export async function startMotoForDemo(log?: (line: string) => void): Promise<MotoServer> {
  try {
    const python = ensureMoto({ log });
    return await startMotoServer({ python });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? 'install';
  if (command === 'install') {
    try {
      const python = ensureMoto();
      console.log(`moto server is available: ${python} -m moto.server`);
    } catch (err) {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    }
    return;
  }
  if (command === 'serve') {
    const server = await startMotoForDemo();
    console.log(`moto server: ${server.endpoint}  (export AWS_ENDPOINT_URL=${server.endpoint}; Ctrl-C stops it)`);
    const shutdown = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return;
  }
  console.error('usage: node scripts/run-ts.js scripts/moto.ts [install|serve]');
  process.exitCode = 2;
}

// Run as a script (directly or through scripts/run-ts.js, which sets argv[1] to this file).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  void main(process.argv.slice(2));
}
