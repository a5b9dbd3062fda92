/**
 * Command-line parsing for `eks-trust-guard`. Strict: an unknown flag, a bad severity or a
 * malformed account id is a usage error (exit 2), never silently ignored.
 */
import { SEVERITIES, type Severity } from '../policy/types';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OutputFormat = 'text' | 'json' | 'sarif';

/** `none` never fails on findings (used by `npm run examples`, where findings are expected). */
export type FailOn = Severity | 'none';

export interface CheckOptions {
  format: OutputFormat;
  failOn: FailOn;
  /** The role's account for plain policy files, CloudFormation pseudo parameters and records. */
  account?: string;
  /** Foreign accounts allowed as principals; undefined when the flag is not given. */
  trustedAccounts?: string[];
  /** Files as given; `-` is standard input. */
  files: string[];
}

export type Command = { command: 'help' } | { command: 'version' } | ({ command: 'check' } & CheckOptions);

export const USAGE = `Usage: eks-trust-guard check [options] FILE... | -

Checks the IAM trust policies of Amazon EKS roles offline (no AWS account needed).
A FILE may be a trust policy (JSON, YAML or URL-encoded JSON), a CloudTrail record
(CreateRole / UpdateAssumeRolePolicy, raw, in an EventBridge envelope or a CloudTrail
log file), or a CloudFormation template (JSON or YAML) with AWS::IAM::Role resources.
The kind is detected from the content. A directory stands for the .json, .yaml, .yml
and .template files under it. "-" reads standard input.

Options:
  --json                   print results as JSON
  --format text|json|sarif output format (default text; sarif for code-scanning UIs)
  --fail-on SEVERITY       exit 1 when a finding is at or above SEVERITY:
                           critical, high, medium, low (default), info, or none
  --account ID             the role's 12-digit account (plain policies, CloudFormation
                           AWS::AccountId; overrides the account of a CloudTrail record)
  --trusted-accounts IDS   comma-separated 12-digit accounts allowed as principals
  -h, --help               show this help
  --version                show the version

Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage error or a file
that cannot be read.`;

const ACCOUNT = /^\d{12}$/;

function parseAccount(value: string, flag: string): string {
  const v = value.trim();
  if (!ACCOUNT.test(v)) throw new UsageError(`${flag}: "${value}" is not a 12-digit AWS account id`);
  return v;
}

function parseFailOn(value: string): FailOn {
  const v = value.trim().toLowerCase();
  if (v === 'none' || (SEVERITIES as readonly string[]).includes(v)) return v as FailOn;
  throw new UsageError(`--fail-on: "${value}" is not one of ${[...SEVERITIES, 'none'].join(', ')}`);
}

function parseFormat(value: string): OutputFormat {
  const v = value.trim().toLowerCase();
  if (v === 'text' || v === 'human' || v === 'json' || v === 'sarif') return v === 'human' ? 'text' : v;
  throw new UsageError(`--format: "${value}" is not one of text, json, sarif`);
}

const VALUE_FLAGS = new Set(['--format', '--fail-on', '--account', '--trusted-accounts']);
const BOOLEAN_FLAGS = new Set(['--json', '--help', '-h', '--version']);

/** Parse `argv` (without `node` and the script). Throws UsageError. */
export function parseArgs(argv: string[]): Command {
  if (argv.length === 0) throw new UsageError('no command given');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command !== 'check') throw new UsageError(`unknown command "${command}" (the only command is "check")`);

  const opts: CheckOptions = { format: 'text', failOn: 'low', files: [] };
  let json = false;
  let explicitFormat: OutputFormat | undefined;
  let onlyFiles = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyFiles || arg === '-' || !arg.startsWith('-')) {
      opts.files.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      if (flag === '--json') json = true;
      else if (flag === '--version') return { command: 'version' };
      else return { command: 'help' };
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option ${flag}`);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= rest.length) throw new UsageError(`${flag} needs a value`);
      value = rest[++i];
    }
    switch (flag) {
      case '--format':
        explicitFormat = parseFormat(value);
        break;
      case '--fail-on':
        opts.failOn = parseFailOn(value);
        break;
      case '--account':
        opts.account = parseAccount(value, '--account');
        break;
      case '--trusted-accounts':
        // An empty list is meaningful: "configured, nobody foreign is trusted".
        opts.trustedAccounts = value.trim() === '' ? [] : value.split(',').map((v) => parseAccount(v, '--trusted-accounts'));
        break;
    }
  }
  if (json && explicitFormat && explicitFormat !== 'json') throw new UsageError(`--json conflicts with --format ${explicitFormat}`);
  opts.format = json ? 'json' : explicitFormat ?? 'text';
  if (opts.files.length === 0) throw new UsageError('no FILE given (use "-" to read standard input)');
  if (opts.files.filter((f) => f === '-').length > 1) throw new UsageError('"-" (standard input) may be given only once');
  return { command: 'check', ...opts };
}
