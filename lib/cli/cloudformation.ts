/**
 * CloudFormation input: every `AWS::IAM::Role`'s `AssumeRolePolicyDocument`, with intrinsic
 * functions resolved where that can be done offline (pseudo parameters from `--account`,
 * parameter defaults, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64).
 * Whatever cannot be resolved becomes a recognisable `${Unresolved.…}` placeholder string, and
 * the role gets a note saying so.
 */
import type { EvaluationContext } from '../policy/types';
import type { Subject } from './types';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// YAML short-form tags

/** Short form → long form. `!Ref` and `!Condition` have no `Fn::` prefix. */
const SHORT_FORMS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'Join',
  'If',
  'Select',
  'Split',
  'ImportValue',
  'FindInMap',
  'Base64',
  'Equals',
  'Not',
  'And',
  'Or',
  'GetAZs',
  'Cidr',
  'Length',
  'ToJsonString',
] as const;

function longForm(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/**
 * The CloudFormation YAML dialect for js-yaml: every short form (`!Ref`, `!Sub`, ...) in scalar,
 * sequence and mapping form, mapped to its long form. js-yaml parses large templates about five
 * times faster than the `yaml` package, which keeps a 1,000-role template well inside the CLI's
 * start-up budget.
 */
export function cfnYamlSchema(yaml: typeof import('js-yaml')): import('js-yaml').Schema {
  // A scalar that looks like a number but would lose digits (an account id with a leading zero)
  // stays a string; it is tried before the core int/float types.
  const leadingZero = new yaml.Type('tag:yaml.org,2002:str', {
    kind: 'scalar',
    resolve: (s: string | null) => typeof s === 'string' && /^0[0-9]+$/.test(s),
    construct: (s: string) => s,
  });
  const shortForms = SHORT_FORMS.flatMap((name) => {
    const key = longForm(name);
    return [
      // `!GetAtt Resource.Attribute` is the string form of `["Resource", "Attribute"]`.
      new yaml.Type(`!${name}`, { kind: 'scalar', construct: (s: string | null) => ({ [key]: name === 'GetAtt' ? splitGetAtt(s ?? '') : (s ?? '') }) }),
      new yaml.Type(`!${name}`, { kind: 'sequence', construct: (v: unknown[] | null) => ({ [key]: v ?? [] }) }),
      new yaml.Type(`!${name}`, { kind: 'mapping', construct: (v: Record<string, unknown> | null) => ({ [key]: v ?? {} }) }),
    ];
  });
  // The core types are exported at run time though @types/js-yaml does not declare them.
  const t = (yaml as unknown as { types: Record<string, import('js-yaml').Type> }).types;
  return yaml.FAILSAFE_SCHEMA.extend({
    // No timestamp type: an unquoted 2012-10-17 (a policy Version) must stay the string it is.
    implicit: [leadingZero, t.null, t.bool, t.int, t.float, t.merge],
    explicit: [t.binary, t.omap, t.pairs, t.set, ...shortForms],
  });
}

function splitGetAtt(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

// ---------------------------------------------------------------------------------------------
// Detection

/** A template: a `Resources` map of typed resources, or an `AWSTemplateFormatVersion`. */
export function looksLikeTemplate(v: Json): boolean {
  if ('AWSTemplateFormatVersion' in v) return true;
  if (!isObject(v.Resources)) return false;
  const resources = Object.values(v.Resources);
  return resources.length === 0 ? 'Parameters' in v || 'Outputs' in v : resources.every((r) => isObject(r) && typeof r.Type === 'string');
}

// ---------------------------------------------------------------------------------------------
// Intrinsic resolution

/** A value that cannot be known offline. */
export class Unresolved {
  constructor(readonly label: string) {}

  /** The placeholder written where a string is expected. No `:`, so ARNs around it still split. */
  get placeholder(): string {
    return `\${Unresolved.${this.label.replace(/^Fn::/, '').replace(/[^A-Za-z0-9_.\-/]+/g, '.')}}`;
  }
}

/** `Ref AWS::NoValue`: the property or list element disappears. */
const NO_VALUE = Symbol('AWS::NoValue');

export interface ResolveOptions {
  /** `--account`: the value of AWS::AccountId. */
  account?: string;
  /** Value of AWS::Partition (default `aws`). */
  partition?: string;
}

export class TemplateResolver {
  readonly partition: string;
  private readonly parameters: Json;
  private readonly mappings: Json;
  /** Labels of what could not be resolved since the last `take()`. */
  private unresolved = new Set<string>();

  constructor(
    template: Json,
    private readonly opts: ResolveOptions = {},
  ) {
    this.partition = opts.partition ?? 'aws';
    this.parameters = isObject(template.Parameters) ? template.Parameters : {};
    this.mappings = isObject(template.Mappings) ? template.Mappings : {};
  }

  /** Labels of the intrinsics that could not be resolved since the last call. */
  takeUnresolved(): string[] {
    const out = [...this.unresolved];
    this.unresolved = new Set();
    return out;
  }

  private miss(label: string): Unresolved {
    this.unresolved.add(label);
    return new Unresolved(label);
  }

  /** Resolve a template value: intrinsics replaced by values, `Unresolved` or removed (NoValue). */
  resolve(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((n) => this.resolve(n)).filter((n) => n !== NO_VALUE);
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const k = keys[0];
      if (k === 'Ref' || k.startsWith('Fn::') || (k === 'Condition' && typeof node[k] === 'string')) return this.intrinsic(k, node[k]);
    }
    const out: Json = {};
    for (const k of keys) {
      const v = this.resolve(node[k]);
      if (v !== NO_VALUE) out[k] = v;
    }
    return out;
  }

  /** Resolve to a string, writing a placeholder for what is unknown; null when not a scalar. */
  resolveString(node: unknown): string | null {
    const v = this.resolve(node);
    if (v instanceof Unresolved) return v.placeholder;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return null;
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return this.opts.account ?? this.miss('AWS::AccountId');
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    if (name.startsWith('AWS::')) return this.miss(name);
    const param = this.parameters[name];
    if (isObject(param) && 'Default' in param) {
      const def = param.Default;
      const type = typeof param.Type === 'string' ? param.Type : 'String';
      if ((type === 'CommaDelimitedList' || type.startsWith('List<')) && typeof def === 'string') return def.split(',').map((s) => s.trim());
      return Array.isArray(def) ? def.map(String) : String(def);
    }
    return this.miss(`Ref ${name}`);
  }

  private sub(arg: unknown): unknown {
    let text: unknown;
    let vars: Json = {};
    if (Array.isArray(arg)) {
      [text] = arg;
      if (isObject(arg[1])) vars = arg[1];
    } else text = arg;
    const template = this.resolve(text);
    if (typeof template !== 'string') return this.miss('Fn::Sub');
    return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`; // ${!Literal} is written as ${Literal}
      const name = inner.trim();
      let v: unknown;
      if (name in vars) v = this.resolve(vars[name]);
      else if (name.includes('.') && !name.startsWith('AWS::')) v = this.miss(`Fn::GetAtt ${name}`);
      else v = this.ref(name);
      if (v instanceof Unresolved) return v.placeholder;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
      return this.miss(`Fn::Sub ${whole}`).placeholder;
    });
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string' ? this.ref(arg) : this.miss('Ref');
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.miss('Fn::Join');
        const delim = this.resolve(arg[0]);
        const list = this.resolve(arg[1]);
        if (typeof delim !== 'string' || !Array.isArray(list)) return this.miss('Fn::Join');
        return list.map((x) => (x instanceof Unresolved ? x.placeholder : typeof x === 'object' ? this.miss('Fn::Join element').placeholder : String(x))).join(delim);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.miss('Fn::Select');
        const index = Number(this.resolve(arg[0]));
        const list = this.resolve(arg[1]);
        if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) return this.miss('Fn::Select');
        return list[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.miss('Fn::Split');
        const delim = this.resolve(arg[0]);
        const source = this.resolve(arg[1]);
        if (typeof delim !== 'string' || typeof source !== 'string' || delim === '') return this.miss('Fn::Split');
        return source.split(delim);
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3) return this.miss('Fn::FindInMap');
        const [map, top, second] = arg.slice(0, 3).map((a) => this.resolve(a));
        if (typeof map !== 'string' || typeof top !== 'string' || typeof second !== 'string') return this.miss('Fn::FindInMap');
        const table = this.mappings[map];
        const row = isObject(table) ? table[top] : undefined;
        if (isObject(row) && second in row) return this.resolve(row[second]);
        return arg.length > 3 && isObject(arg[3]) && 'DefaultValue' in arg[3] ? this.resolve(arg[3].DefaultValue) : this.miss(`Fn::FindInMap ${map}`);
      }
      case 'Fn::Base64': {
        const v = this.resolve(arg);
        return typeof v === 'string' ? Buffer.from(v, 'utf8').toString('base64') : this.miss('Fn::Base64');
      }
      case 'Fn::GetAtt': {
        const target = Array.isArray(arg) ? arg.map((a) => (typeof a === 'string' ? a : '?')).join('.') : typeof arg === 'string' ? arg : '?';
        return this.miss(`Fn::GetAtt ${target}`);
      }
      case 'Fn::If':
        return this.miss(`Fn::If ${Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : '?'}`);
      case 'Fn::ImportValue': {
        const name = this.resolve(arg);
        return this.miss(`Fn::ImportValue ${typeof name === 'string' ? name : '?'}`);
      }
      default:
        // Fn::GetAZs, Fn::Cidr, Fn::Length, Fn::ToJsonString, condition functions, ...
        return this.miss(fn);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// From a resolved AssumeRolePolicyDocument to something the engine reads

/** Placeholders everywhere a string is expected. */
function placeholders(v: unknown): unknown {
  if (v instanceof Unresolved) return v.placeholder;
  if (Array.isArray(v)) return v.map(placeholders);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, placeholders(x)]));
  return v;
}

function materializeStatement(s: unknown, where: string, notes: string[]): unknown {
  if (!isObject(s)) return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k !== 'Condition') {
      out[k] = placeholders(v);
      continue;
    }
    if (v instanceof Unresolved) {
      notes.push(`${where}.Condition is ${v.label}: left out, so findings about missing conditions may not hold once deployed`);
      continue;
    }
    if (!isObject(v)) {
      out[k] = v;
      continue;
    }
    const cond: Json = {};
    for (const [op, block] of Object.entries(v)) {
      if (block instanceof Unresolved) notes.push(`${where}.Condition.${op} is ${block.label}: left out, so findings about missing conditions may not hold once deployed`);
      else cond[op] = placeholders(block);
    }
    out[k] = cond;
  }
  return out;
}

/**
 * Shape a resolved document for the engine. Where an object is expected (the document, its
 * Statement list, a statement, a condition block) a placeholder string would only produce a
 * misleading `policy-invalid`, so such parts are left out with a note, or the role is skipped.
 */
export function materializePolicy(doc: unknown, notes: string[]): { policy?: unknown; skipped?: string } {
  if (doc instanceof Unresolved) return { skipped: `AssumeRolePolicyDocument is ${doc.label}, which cannot be resolved offline` };
  if (!isObject(doc)) return { policy: placeholders(doc) };
  const out: Json = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k !== 'Statement') out[k] = placeholders(v);
    else if (v instanceof Unresolved) return { skipped: `Statement is ${v.label}, which cannot be resolved offline` };
    else if (Array.isArray(v)) {
      const kept: unknown[] = [];
      v.forEach((s, i) => {
        if (s instanceof Unresolved) notes.push(`Statement[${i}] is ${s.label}: left out of the evaluation`);
        else kept.push(materializeStatement(s, `Statement[${kept.length}]`, notes));
      });
      if (kept.length === 0) return { skipped: 'no statement could be resolved offline' };
      out[k] = kept;
    } else out[k] = materializeStatement(v, 'Statement', notes);
  }
  return { policy: out };
}

// ---------------------------------------------------------------------------------------------
// Template → subjects

export type TemplateOptions = ResolveOptions;

/** One subject per `AWS::IAM::Role`, in template order. */
export function subjectsFromTemplate(template: Json, file: string, opts: TemplateOptions = {}): Subject[] {
  const resolver = new TemplateResolver(template, opts);
  const resources = isObject(template.Resources) ? template.Resources : {};
  const subjects: Subject[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::IAM::Role') continue;
    const props = isObject(resource.Properties) ? resource.Properties : {};
    const notes: string[] = [];

    // The role name is only known when RoleName is (or resolves to) a plain string; otherwise
    // CloudFormation generates one at deploy time and the logical id is the best label.
    const name = 'RoleName' in props ? resolver.resolveString(props.RoleName) : null;
    const nameKnown = name !== null && !name.includes('${Unresolved.');
    const path = 'Path' in props ? resolver.resolveString(props.Path) : '/';
    resolver.takeUnresolved();
    const roleName = nameKnown ? name : logicalId;
    const roleArn =
      nameKnown && opts.account && path && !path.includes('${Unresolved.') ? `arn:${resolver.partition}:iam::${opts.account}:role${path}${name}` : null;

    const context: EvaluationContext = roleArn ? { roleArn } : opts.account ? { account: opts.account } : {};
    if (path && path !== '/' && !path.includes('${Unresolved.')) context.rolePath = path;
    // AWS managed policies reach a role only through its ManagedPolicyArns, so a fully resolved
    // list tells the permission rules what is attached; anything less leaves them silent.
    if ('ManagedPolicyArns' in props) {
      const arns = resolver.resolve(props.ManagedPolicyArns);
      resolver.takeUnresolved();
      if (Array.isArray(arns) && arns.every((a): a is string => typeof a === 'string' && !a.includes('${Unresolved.'))) context.attachedPolicies = arns;
      else notes.push('ManagedPolicyArns could not be fully resolved: attached policies not checked');
    }
    const subject: Subject = { source: `${file}#${logicalId}`, file, kind: 'cloudformation', logicalId, roleName, roleArn, context, notes };

    if (!('AssumeRolePolicyDocument' in props)) {
      subject.skipped = 'the role has no AssumeRolePolicyDocument (CloudFormation requires one)';
      subjects.push(subject);
      continue;
    }
    const resolved = resolver.resolve(props.AssumeRolePolicyDocument);
    const missing = resolver.takeUnresolved();
    const shaped = materializePolicy(resolved, notes);
    if (missing.length > 0) {
      const hint = missing.includes('AWS::AccountId') ? ' (pass --account to resolve AWS::AccountId)' : '';
      notes.unshift(`the document contains unresolved intrinsic functions: ${missing.join(', ')}${hint}; they are shown as \${Unresolved.…}`);
    }
    if (shaped.skipped) subject.skipped = shaped.skipped;
    else subject.policy = shaped.policy;
    if (!opts.account && !subject.skipped) notes.push("the role's account is unknown: rules that compare accounts cannot tell it (pass --account)");
    subjects.push(subject);
  }
  if (subjects.length === 0) {
    subjects.push({ source: file, file, kind: 'cloudformation', roleName: null, roleArn: null, context: {}, notes: [], skipped: 'no AWS::IAM::Role resources in the template' });
  }
  return subjects;
}
