/**
 * Reading inputs and telling what each one is, from its content (never its extension): a trust
 * policy (JSON, YAML or URL-encoded JSON), a CloudTrail record in any of its wrappings, or a
 * CloudFormation template. A file that reads but does not parse is a `policy-invalid` finding;
 * a file that cannot be read at all is an `InputError` (exit 2).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ruleById } from '../rules';
import type { Finding } from '../policy/types';
import { looksLikeCloudTrail, subjectsFromCloudTrail } from './cloudtrail';
import { cfnYamlSchema, looksLikeTemplate, subjectsFromTemplate } from './cloudformation';
import type { Subject } from './types';

export const STDIN = '-';
export const STDIN_LABEL = '<stdin>';

/** A file that cannot be read at all (missing, a directory with nothing to check, no permission). */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface InputText {
  /** The file as given (`<stdin>` for `-`). */
  file: string;
  text: string;
}

export interface DetectOptions {
  account?: string;
}

/** Files a directory stands for: what a template or policy is usually saved as. */
const DIRECTORY_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template']);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile() && DIRECTORY_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

function describeFsError(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${file}: permission denied`;
  return `${file}: cannot be read (${(e as Error)?.message ?? String(e)})`;
}

/** Expand directories and read every input. Collects every unreadable file before failing. */
export async function readInputs(files: string[], readStdin: () => Promise<string>): Promise<InputText[]> {
  const out: InputText[] = [];
  const errors: string[] = [];
  for (const file of files) {
    if (file === STDIN) {
      out.push({ file: STDIN_LABEL, text: await readStdin() });
      continue;
    }
    try {
      const stat = await fs.stat(file);
      const paths = stat.isDirectory() ? await filesUnder(file) : [file];
      if (paths.length === 0) errors.push(`${file}: a directory with no .json, .yaml, .yml or .template file`);
      for (const p of paths) out.push({ file: p, text: await fs.readFile(p, 'utf8') });
    } catch (e) {
      errors.push(describeFsError(file, e));
    }
  }
  if (errors.length > 0) throw new InputError(errors.join('\n'));
  return out;
}

/** A `policy-invalid` finding made by the CLI (the engine never saw a document). */
export function invalidInput(message: string): Finding {
  const rule = ruleById('policy-invalid');
  return { ruleId: rule.id, severity: rule.severity, statement: null, message, fixable: false };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Subjects of an already parsed value (from JSON or YAML). */
export function subjectsFromValue(value: unknown, file: string, opts: DetectOptions): Subject[] {
  if (isObject(value) && looksLikeCloudTrail(value)) return subjectsFromCloudTrail(value, file, opts);
  if (isObject(value) && looksLikeTemplate(value)) return subjectsFromTemplate(value, file, opts);
  // Anything else is read as a trust policy: the engine says precisely what is wrong with it.
  const notes: string[] = [];
  const subject: Subject = { source: file, file, kind: 'trust-policy', roleName: null, roleArn: null, policy: value, context: {}, notes };
  if (!isObject(value) || !('Statement' in value)) {
    subject.kind = 'unknown';
    notes.push('not recognised as a CloudTrail record or CloudFormation template, so read as a trust policy');
  }
  if (opts.account) subject.context = { account: opts.account };
  else notes.push("the role's account is unknown: rules that compare accounts cannot tell it (pass --account)");
  return [subject];
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** Detect what `text` is and turn it into subjects. Never throws. */
export function subjectsFromText(input: InputText, opts: DetectOptions = {}): Subject[] {
  const { file } = input;
  const text = input.text.replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  const invalid = (message: string): Subject[] => [
    { source: file, file, kind: 'unknown', roleName: null, roleArn: null, context: {}, notes: [], findings: [invalidInput(message)] },
  ];
  if (trimmed === '') return invalid('the file is empty: not a trust policy, CloudTrail record or CloudFormation template');

  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      return invalid(`not valid JSON: ${(e as Error).message}`);
    }
    return subjectsFromValue(value, file, opts);
  }

  // IAM hands documents out URL-encoded (GetRole, CloudTrail responseElements).
  if (/^%(7b|5b)/i.test(trimmed)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(trimmed);
    } catch (e) {
      return invalid(`not valid URL-encoding: ${(e as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(decoded);
    } catch (e) {
      return invalid(`URL-decoded text is not valid JSON: ${(e as Error).message}`);
    }
    const subjects = subjectsFromValue(value, file, opts);
    for (const s of subjects) s.notes.unshift('URL-encoded document, decoded');
    return subjects;
  }

  // Loaded on first use: a run over JSON files never pays for the YAML library's start-up.
  const yaml = require('js-yaml') as typeof import('js-yaml');
  let value: unknown;
  try {
    // Duplicate keys are an error (js-yaml's default), as CloudFormation treats them.
    value = yaml.load(trimmed, { schema: cfnYamlSchema(yaml) });
  } catch (e) {
    return invalid(`not valid JSON or YAML: ${firstLine((e as Error).message)}`);
  }
  if (!isObject(value) && !Array.isArray(value)) {
    return invalid('not a trust policy, CloudTrail record or CloudFormation template (neither a JSON object nor a YAML mapping)');
  }
  return subjectsFromValue(value, file, opts);
}
