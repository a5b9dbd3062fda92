/**
 * Helpers for the deployment tests: run the osls CLI offline, read CloudFormation and IAM policy
 * documents out of what it produces, and a small EventBridge pattern matcher.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CREDENTIAL_VARIABLES as OFFLINE_CREDENTIAL_VARIABLES } from '../../scripts/offline';

export const ROOT = path.resolve(__dirname, '../..');
const SERVERLESS_BIN = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/**
 * Credential and profile variables removed from the CLI's environment: it must need none (the
 * offline server's list, and the access keys themselves).
 */
const CREDENTIAL_VARIABLES = [...OFFLINE_CREDENTIAL_VARIABLES, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

export interface CliResult {
  stdout: string;
  stderr: string;
}

/**
 * Run `serverless <args>` in the project with no AWS credentials anywhere (empty HOME, no
 * credential variables) and its own esbuild work folder. Rejects with the CLI's output on failure.
 */
export function runServerless(args: string[], timeoutMs = 110_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  // A HOME of our own: no ~/.aws to find credentials in. Shared between runs because osls caches
  // its compiled configuration schema there (written atomically), which saves seconds per run.
  const home = path.join(tmpdir(), 'eks-trust-guard-serverless-home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  for (const name of CREDENTIAL_VARIABLES) delete env[name];
  env.ESBUILD_WORK_FOLDER = path.join('.esbuild', `infra-test-${process.pid}-${Date.now()}`);
  Object.assign(env, extraEnv);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SERVERLESS_BIN, ...args],
      { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`serverless ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

// ------------------------------------------------------------------ CloudFormation shapes

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, Json>;
}

export interface CfnTemplate {
  Conditions?: Record<string, Json>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, Json>;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: Json;
  Condition?: Record<string, Record<string, Json>>;
}

/** A statement of a role's inline policies, with the CloudFormation condition it depends on. */
export interface RoleStatement {
  statement: Statement;
  /** Set when the statement sits in an `Fn::If` on this condition (granted only when it holds). */
  onlyIf?: string;
}

export function resource(template: CfnTemplate, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`resource ${logicalId} is not in the template`);
  return found;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNoValue(value: unknown): boolean {
  return isObject(value) && value.Ref === 'AWS::NoValue';
}

/**
 * Every statement of an AWS::IAM::Role's inline policies. A statement written as
 * `Fn::If: [Condition, statement, AWS::NoValue]` is returned with `onlyIf: Condition`.
 */
export function roleStatements(role: CfnResource): RoleStatement[] {
  if (role.Type !== 'AWS::IAM::Role') throw new Error(`expected an AWS::IAM::Role, got ${role.Type}`);
  const policies = asArray(role.Properties?.Policies as Json[] | undefined);
  const out: RoleStatement[] = [];
  for (const policy of policies) {
    const document = (policy as { PolicyDocument: { Statement: Json | Json[] } }).PolicyDocument;
    for (const entry of asArray(document.Statement)) {
      if (isObject(entry) && Array.isArray(entry['Fn::If'])) {
        const [condition, whenTrue, whenFalse] = entry['Fn::If'] as [string, Json, Json];
        for (const branch of [whenTrue, whenFalse]) {
          if (!isNoValue(branch)) out.push({ statement: branch as unknown as Statement, onlyIf: condition });
        }
      } else {
        out.push({ statement: entry as unknown as Statement });
      }
    }
  }
  return out;
}

export function actionsOf(statements: RoleStatement[], effect: 'Allow' | 'Deny'): string[] {
  const actions = new Set<string>();
  for (const { statement } of statements) {
    if (statement.Effect === effect) for (const a of asArray(statement.Action)) actions.add(a);
  }
  return [...actions].sort();
}

// ------------------------------------------------------------------ EventBridge patterns

/**
 * EventBridge pattern matching for the operators this project's rules use: exact strings,
 * `exists`, `anything-but` (string or list) and `$or`. As in EventBridge, every operator except
 * `exists: false` needs the field to be present, and an array value in the event matches when
 * any of its elements does.
 */
export function matchesPattern(pattern: Record<string, Json>, event: unknown): boolean {
  const fields = isObject(event) ? event : {};
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') {
      return asArray(rule as Json[]).some((alternative) => matchesPattern(alternative as Record<string, Json>, event));
    }
    const value = fields[key];
    if (Array.isArray(rule)) return rule.some((matcher) => matchesLeaf(matcher, value));
    if (isObject(rule)) return matchesPattern(rule as Record<string, Json>, value);
    throw new Error(`unsupported pattern value for ${key}: ${JSON.stringify(rule)}`);
  });
}

function matchesLeaf(matcher: Json, value: unknown): boolean {
  const present = value !== undefined && !isObject(value);
  const values = asArray(value as unknown);
  if (typeof matcher === 'string' || typeof matcher === 'number' || matcher === null) {
    return present && values.some((v) => v === matcher);
  }
  if (isObject(matcher)) {
    if ('exists' in matcher) return matcher.exists === present;
    if ('anything-but' in matcher) {
      const excluded = asArray(matcher['anything-but'] as Json);
      if (excluded.some((e) => typeof e !== 'string' && typeof e !== 'number')) {
        throw new Error(`anything-but value not resolved to a string: ${JSON.stringify(matcher)}`);
      }
      return present && values.every((v) => !excluded.includes(v as Json));
    }
  }
  throw new Error(`unsupported matcher ${JSON.stringify(matcher)}`);
}

/** Replace `{ "Fn::GetAtt": [id, "Arn"] }` inside a pattern by the ARNs given, by logical id. */
export function resolveGetAttArns(value: Json, arns: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((v) => resolveGetAttArns(v, arns));
  if (isObject(value)) {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string') {
      const arn = arns[getAtt[0]];
      if (!arn) throw new Error(`no ARN given for ${getAtt[0]}`);
      return arn;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveGetAttArns(v as Json, arns)]));
  }
  return value;
}

/** IAM's wildcard match for resource patterns (`*` any run of characters, `?` one). */
export function iamWildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/**
 * Render a CloudFormation `Fn::Sub` string (or a plain string) with the pseudo parameters given;
 * `${AWS::Partition}` etc. must all be supplied.
 */
export function renderSub(value: Json, pseudo: Record<string, string>): string {
  const text = typeof value === 'string' ? value : isObject(value) && typeof value['Fn::Sub'] === 'string' ? value['Fn::Sub'] : undefined;
  if (text === undefined) throw new Error(`not a string or Fn::Sub string: ${JSON.stringify(value)}`);
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    const replacement = pseudo[name];
    if (replacement === undefined) throw new Error(`no value for \${${name}} in ${text}`);
    return replacement;
  });
}

// ------------------------------------------------------------------ zip archives

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

/** The entries of a zip archive, read from its central directory (no zip64: bundles are small). */
export function zipEntries(archive: Buffer): ZipEntry[] {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
  let end = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 0xffff); i--) {
    if (archive.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory record)');
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`bad central directory entry at ${offset}`);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    entries.push({
      name: archive.toString('utf8', offset + 46, offset + 46 + nameLength),
      compressedSize: archive.readUInt32LE(offset + 20),
      uncompressedSize: archive.readUInt32LE(offset + 24),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
