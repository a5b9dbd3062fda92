/** Spawns the real CLI (bin/eks-trust-guard.js → dist/cli.js) for end-to-end tests. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const BIN = path.join(ROOT, 'bin', 'eks-trust-guard.js');
export const FIXTURES = '/work/shared/fixtures';
export const CLOUDTRAIL_FIXTURES = path.join(FIXTURES, 'cloudtrail');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input: opts.input ?? '', encoding: 'utf8', env: env as NodeJS.ProcessEnv });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface JsonFinding {
  ruleId: string;
  severity: string;
  statement: number | null;
  message: string;
  fixable: boolean;
}

export interface JsonResult {
  source: string;
  roleName: string | null;
  roleArn: string | null;
  findings: JsonFinding[];
  fixedPolicy: Record<string, unknown> | null;
  outcome: 'evaluated' | 'skipped';
  reason?: string;
  notes: string[];
  account: string | null;
  kind: string;
  logicalId?: string;
}

export function runJson(args: string[], opts: { input?: string } = {}): { status: number | null; results: JsonResult[]; stderr: string } {
  const r = runCli(['check', '--json', ...args], opts);
  let parsed: { results: JsonResult[] };
  try {
    parsed = JSON.parse(r.stdout) as { results: JsonResult[] };
  } catch {
    throw new Error(`not JSON (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, results: parsed.results, stderr: r.stderr };
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(): { dir: string; write: (name: string, text: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etg-cli-test-'));
  return {
    dir,
    write: (name, text) => {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text);
      return p;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Build dist/cli.js once before spawning (the bin would, but not inside a test's timing). */
export function ensureBuilt(): void {
  const builder = require(path.join(ROOT, 'scripts', 'build-cli.js')) as { isStale: () => boolean; buildCli: () => string };
  if (builder.isStale()) builder.buildCli();
}
