/**
 * `eks-trust-guard` command line. Bundled into dist/cli.js by scripts/build-cli.js and started
 * by bin/eks-trust-guard.js; `run` takes its I/O as arguments so tests can call it directly.
 */
import { version } from '../../package.json';
import { parseArgs, USAGE, UsageError, type CheckOptions } from './args';
import { checkSubjects, exitCodeFor } from './check';
import { formatHuman } from './format-human';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { InputError, readInputs, subjectsFromText } from './inputs';
import type { CheckResult } from './types';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Colour the human report (stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): CliIo {
  const env = process.env;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forceColor = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0';
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => readStream(process.stdin),
    color: !noColor && (forceColor || process.stdout.isTTY === true),
  };
}

export interface CheckRun {
  results: CheckResult[];
  /** Raw text of every input, by file (SARIF line numbers). */
  texts: Map<string, string>;
}

export async function runCheck(opts: CheckOptions, readStdin: () => Promise<string>): Promise<CheckRun> {
  const inputs = await readInputs(opts.files, readStdin);
  const texts = new Map(inputs.map((i) => [i.file, i.text]));
  const subjects = inputs.flatMap((i) => subjectsFromText(i, { account: opts.account }));
  return { results: checkSubjects(subjects, { trustedAccounts: opts.trustedAccounts }), texts };
}

/** Run the CLI with `argv` (without node and script). Resolves to the exit status. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // The whole usage for a bare invocation; otherwise the problem and where to look.
    io.stderr(argv.length === 0 ? `${USAGE}\n` : `eks-trust-guard: ${e.message}\nRun "eks-trust-guard --help" for usage.\n`);
    return 2;
  }
  if (command.command === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command.command === 'version') {
    io.stdout(`${version}\n`);
    return 0;
  }
  try {
    const { results, texts } = await runCheck(command, io.readStdin);
    if (command.format === 'json') io.stdout(formatJson(results));
    else if (command.format === 'sarif') io.stdout(formatSarif(results, texts));
    else io.stdout(formatHuman(results, { color: io.color, failOn: command.failOn }));
    return exitCodeFor(results, command.failOn);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`${e.message.split('\n').map((l) => `eks-trust-guard: ${l}`).join('\n')}\n`);
      return 2;
    }
    io.stderr(`eks-trust-guard: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  }
}
