/**
 * Parse and normalise a trust policy once, up front, the way IAM reads it. Rules read only the
 * normalised form. Malformed input becomes `policy-invalid` problems with a precise location,
 * never an exception.
 */
import type { JsonStatement, PolicyDocument } from './types';

/** Documents larger than this are not trust policies IAM would ever accept (its hard cap is 8 KiB). */
export const MAX_INPUT_CHARS = 64 * 1024;

export interface NormalizedPrincipal {
  wildcard: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

export interface NormalizedCondition {
  /** Operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** Base operator, lower-cased, without set prefix or IfExists: `stringlike`. */
  op: string;
  ifExists: boolean;
  setOp: 'foranyvalue' | 'forallvalues' | null;
  /** Condition key lower-cased. */
  key: string;
  /** Condition key as written. */
  rawKey: string;
  values: string[];
}

export interface NormalizedStatement {
  index: number;
  raw: JsonStatement;
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal: NormalizedPrincipal | null;
  notPrincipal: NormalizedPrincipal | null;
  /** Lower-cased. */
  actions: string[] | null;
  /** Lower-cased. */
  notActions: string[] | null;
  conditions: NormalizedCondition[];
  /**
   * What the statement is, as bits (`StatementFlags`), set while parsing: lets the engine skip
   * rules that cannot apply without asking them.
   */
  flags: number;
  /** Facts lib/policy/query.ts derives on first use; internal, never part of a rule's answer. */
  memo?: StatementMemo;
  /**
   * Rules' memoised answers about this statement (lib/rules/support/per-statement.ts): unlike
   * `memo` they may depend on the index, so a statement moved to another index starts without.
   */
  answers?: unknown[];
}

/**
 * What rules ask of a statement again and again (which actions it allows, the IRSA facts), kept
 * with the statement: a statement is never changed after parsing (fixes build new documents), so
 * the answers stay true. Which services it trusts is in `flags`.
 */
export interface StatementMemo {
  /** Bits of the known actions (query.ts) already answered, and those allowed. */
  actionsKnown: number;
  actionsAllowed: number;
  /** Slot for the IRSA helpers (lib/rules/irsa/statements.ts); undefined until first asked. */
  irsa: unknown;
}

export interface TrustPolicy {
  raw: PolicyDocument;
  version: string | undefined;
  /** True when `Statement` was a single object rather than an array. */
  statementIsObject: boolean;
  statements: NormalizedStatement[];
  /** The `flags` of its Allow statements, or'ed together. */
  allowFlags: number;
  /**
   * True when `raw` holds only what JSON.parse returns (and what fixes add: strings, lists,
   * objects): parsed from JSON text, or fixed from such a document. Such a document can be read
   * without serialising it.
   */
  jsonOnly?: boolean;
  /**
   * Whether the document holds a number (only condition values can be numbers in a valid
   * policy). Known for a document parsed afresh; undefined for one a fix derived.
   */
  numbers?: boolean;
}

/**
 * Bits of `NormalizedStatement.flags`. A rule's `appliesTo` (lib/rules/types.ts) reads the Allow
 * statements' bits of a policy to say whether it can report anything at all.
 */
export const StatementFlags = {
  ALLOW: 1,
  /** Principal "*" or AWS "*". */
  PRINCIPAL_WILDCARD: 2,
  NOT_PRINCIPAL: 4,
  /** Principal.AWS has values. */
  AWS: 8,
  /** Principal.Federated has values. */
  FEDERATED: 16,
  /** Principal.Service names eks-fargate-pods, pods.eks, ec2 or eks (either partition spelling). */
  SERVICE_FARGATE: 32,
  SERVICE_POD_IDENTITY: 64,
  SERVICE_EC2: 128,
  SERVICE_EKS: 256,
  /** NotAction, or an Action of "*" or "sts:*" (any case). */
  WILDCARD_ACTION: 512,
} as const;

export const FARGATE_SERVICE = 'eks-fargate-pods';
export const POD_IDENTITY_SERVICE = 'pods.eks';
export const EC2_SERVICE = 'ec2';
export const EKS_SERVICE = 'eks';

/** The statement flag of each known service, by name (lib/policy/query.ts trustsService reads it). */
export const SERVICE_FLAGS: ReadonlyMap<string, number> = new Map([
  [FARGATE_SERVICE, StatementFlags.SERVICE_FARGATE],
  [POD_IDENTITY_SERVICE, StatementFlags.SERVICE_POD_IDENTITY],
  [EC2_SERVICE, StatementFlags.SERVICE_EC2],
  [EKS_SERVICE, StatementFlags.SERVICE_EKS],
]);

/** Lower-case service principals (both partition spellings, as isService accepts them) to their flag. */
const PRINCIPAL_FLAGS: Record<string, number> = Object.create(null);
for (const [name, flag] of SERVICE_FLAGS) {
  PRINCIPAL_FLAGS[`${name}.amazonaws.com`] = flag;
  PRINCIPAL_FLAGS[`${name}.amazonaws.com.cn`] = flag;
}

/**
 * PRINCIPAL_FLAGS for a service principal spelled in lower case (the usual spelling); undefined
 * for any other. A switch compares the string as it is, where a table lookup must first hash or
 * internalise each value JSON.parse made afresh: measured about twice as fast per principal.
 */
function spelledServiceFlag(service: string): number | undefined {
  switch (service) {
    case 'eks-fargate-pods.amazonaws.com':
    case 'eks-fargate-pods.amazonaws.com.cn':
      return StatementFlags.SERVICE_FARGATE;
    case 'pods.eks.amazonaws.com':
    case 'pods.eks.amazonaws.com.cn':
      return StatementFlags.SERVICE_POD_IDENTITY;
    case 'ec2.amazonaws.com':
    case 'ec2.amazonaws.com.cn':
      return StatementFlags.SERVICE_EC2;
    case 'eks.amazonaws.com':
    case 'eks.amazonaws.com.cn':
      return StatementFlags.SERVICE_EKS;
  }
  return undefined;
}

function statementFlags(effect: unknown, principal: NormalizedPrincipal | null, notPrincipal: NormalizedPrincipal | null, actions: string[] | null, notActions: string[] | null): number {
  let f = effect === 'Allow' ? StatementFlags.ALLOW : 0;
  if (principal !== null) {
    if (principal.wildcard) f |= StatementFlags.PRINCIPAL_WILDCARD;
    if (principal.aws.length > 0) f |= StatementFlags.AWS;
    if (principal.federated.length > 0) f |= StatementFlags.FEDERATED;
    const service = principal.service;
    // As written first (the usual spelling), lower-cased only when that misses.
    for (let i = 0; i < service.length; i++) f |= spelledServiceFlag(service[i]) ?? PRINCIPAL_FLAGS[service[i].toLowerCase()] ?? 0;
  }
  if (notPrincipal !== null) f |= StatementFlags.NOT_PRINCIPAL;
  if (notActions !== null) f |= StatementFlags.WILDCARD_ACTION;
  else if (actions !== null) {
    for (let i = 0; i < actions.length; i++) if (actions[i] === '*' || actions[i] === 'sts:*') f |= StatementFlags.WILDCARD_ACTION;
  }
  return f;
}

export interface PolicyProblem {
  statement: number | null;
  message: string;
}

export type ParseResult =
  | { ok: true; policy: TrustPolicy }
  | { ok: false; problems: PolicyProblem[]; raw: PolicyDocument | null };

/** IAM returns documents URL-encoded; CloudTrail requestParameters carry them as JSON strings. */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed;
  if (/%[0-9a-fA-F]{2}/.test(trimmed)) {
    try {
      return decodeURIComponent(trimmed).trim();
    } catch {
      return trimmed;
    }
  }
  return trimmed;
}

/** Turn whatever we were handed (object, JSON text, URL-encoded JSON text) into a document. */
export function toDocument(input: unknown): { doc: unknown; problem?: string } {
  if (typeof input === 'string') {
    if (input.length > MAX_INPUT_CHARS) {
      return { doc: null, problem: `document is ${input.length} characters, larger than any trust policy IAM accepts` };
    }
    const text = decodePolicyText(input);
    if (text === '') return { doc: null, problem: 'document is empty' };
    try {
      return { doc: JSON.parse(text) };
    } catch (e) {
      return { doc: null, problem: `not valid JSON: ${(e as Error).message}` };
    }
  }
  return { doc: input };
}

/** A short description of a value for a message, never serialising it whole (it may be huge or deep). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** Condition operators IAM knows, as AWS spells them (without IfExists and set prefixes). */
const OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];

const TOP_LEVEL_ELEMENTS = new Set(['Version', 'Id', 'Statement']);

/** More statements than any trust policy within IAM's size limit can hold. */
export const MAX_STATEMENTS = 1000;

/**
 * The own-key test of the for-in loops below. V8 answers `hasOwnProperty.call(o, k)` for the key of
 * a for-in over `o` from the loop's own map check, without a lookup; it does not do so for
 * `Object.hasOwn` (Node 20), which measured about a quarter slower per key.
 */
const hasOwn = Object.prototype.hasOwnProperty;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A string or a non-empty array of strings (IAM's "string or list" fields). A hole in an array
 * (object input only: JSON has none) is not a string: JSON.stringify, and so IAM, would see null.
 */
function stringList(v: unknown): string[] | null {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.length === 0) return null;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return null;
  return v as string[];
}

/**
 * An action lower-cased. The actions of trust policies as AWS spells them (most actions are written
 * so) are answered with their lower-case constant, sparing a lower-cased copy of each (about 1.7 MB
 * per pass of the bench corpus). A switch compares the string as it is, where a Map must first hash
 * each value JSON.parse made afresh: measured about twice as fast as the Map it replaced.
 */
function toLower(x: string): string {
  switch (x) {
    case 'sts:AssumeRole':
      return 'sts:assumerole';
    case 'sts:AssumeRoleWithWebIdentity':
      return 'sts:assumerolewithwebidentity';
    case 'sts:TagSession':
      return 'sts:tagsession';
    case 'sts:AssumeRoleWithSAML':
      return 'sts:assumerolewithsaml';
    case 'sts:SetSourceIdentity':
      return 'sts:setsourceidentity';
    case 'sts:SetContext':
      return 'sts:setcontext';
  }
  return x.toLowerCase();
}

/** stringList lower-cased, without the intermediate list (for a string) or a closure per call. */
function lowerList(v: unknown): string[] | null {
  if (typeof v === 'string') return [toLower(v)];
  const l = stringList(v);
  return l === null ? null : l.map(toLower);
}

function isScalar(x: unknown): boolean {
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

/** Did the statements parsed since parseDocument last reset it hold a number (a condition value)? */
let sawNumber = false;

function conditionValues(v: unknown): string[] | null {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    // The usual list, all strings, is taken as it is rather than copied: nothing mutates a parsed
    // document or what the parse derives from it (fixes build new documents).
    let i = 0;
    while (i < v.length && typeof v[i] === 'string') i++;
    if (i === v.length) return i > 0 ? v : null;
    // Numbers and booleans are written as text; anything else, a hole of object input included
    // (JSON.stringify, and so IAM, would see null), is not a condition value.
    for (; i < v.length; i++) if (!isScalar(v[i])) return null;
    const out = new Array<string>(v.length);
    for (let j = 0; j < v.length; j++) {
      const x = v[j];
      if (typeof x === 'number') sawNumber = true;
      out[j] = String(x);
    }
    return out;
  }
  if (isScalar(v)) {
    if (typeof v === 'number') sawNumber = true;
    return [String(v)];
  }
  return null;
}

/** Only whitespace (or nothing)? A printable ASCII first character answers without trimming. */
function isBlank(x: string): boolean {
  const c = x.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return x.trim() === '';
}

/** Shared by every principal without values of a kind (read-only, like the rest of the parse). */
const NO_PRINCIPALS: readonly string[] = Object.freeze([]);

/**
 * One element of a principal: a non-blank string or a non-empty list of them; null otherwise. A
 * list of strings (what JSON.parse gives) is taken as it is rather than copied: nothing mutates a
 * parsed document or what the parse derives from it (fixes build new documents).
 */
function principalValues(v: unknown): string[] | null {
  if (typeof v === 'string') return isBlank(v) ? null : [v];
  if (!Array.isArray(v) || v.length === 0) return null;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    // Not a string (a hole of object input included: JSON.stringify would write null), or blank.
    if (typeof x !== 'string' || isBlank(x)) return null;
  }
  return v as string[];
}

/** `Statement[i].Element`, for messages: built only when there is something to say. */
function at(index: number, element: string): string {
  return `Statement[${index}].${element}`;
}

function parsePrincipal(v: unknown, index: number, element: string, problems: string[]): NormalizedPrincipal | null {
  const none = NO_PRINCIPALS as string[];
  const p: NormalizedPrincipal = { wildcard: false, aws: none, service: none, federated: none, canonicalUser: none };
  if (v === '*') {
    p.wildcard = true;
    return p;
  }
  if (!isPlainObject(v)) {
    problems.push(`${at(index, element)} must be "*" or an object with AWS, Service, Federated or CanonicalUser`);
    return null;
  }
  let members = 0;
  for (const k in v) {
    if (!hasOwn.call(v, k)) continue;
    const value = v[k];
    // A member whose value is undefined (object input only) is absent, as in its JSON text.
    if (value === undefined) continue;
    members++;
    // Comparisons and named stores rather than a table of fields: no lookup, no keyed store.
    if (k !== 'AWS' && k !== 'Service' && k !== 'Federated' && k !== 'CanonicalUser') {
      problems.push(`${at(index, element)} has an unknown key "${k}" (expected AWS, Service, Federated or CanonicalUser)`);
      continue;
    }
    const values = principalValues(value);
    if (values === null) {
      problems.push(`${at(index, element)}.${k} must be a non-empty string or list of strings`);
      continue;
    }
    // for-in names each key once, and each key has its own field: nothing to merge with.
    if (k === 'AWS') {
      p.aws = values;
      if (values.includes('*')) p.wildcard = true;
    } else if (k === 'Service') p.service = values;
    else if (k === 'Federated') p.federated = values;
    else p.canonicalUser = values;
  }
  if (members === 0) {
    problems.push(`${at(index, element)} is empty`);
    return null;
  }
  return p;
}

interface ParsedOperator {
  op: string;
  ifExists: boolean;
  setOp: NormalizedCondition['setOp'];
}

/**
 * Every operator IAM accepts (set prefix, base operator, IfExists suffix) to its parts, both as AWS
 * spells it and lower-cased whole: the usual spelling is one lookup (JSON.parse hands keys over
 * with their hash), any other one toLowerCase and one lookup. (`Null` takes no IfExists.)
 */
const KNOWN_OPERATORS = new Map<string, Readonly<ParsedOperator>>();
for (const spelled of OPERATORS) {
  const op = spelled.toLowerCase();
  for (const [setOp, prefix] of [[null, ''], ['foranyvalue', 'ForAnyValue:'], ['forallvalues', 'ForAllValues:']] as const) {
    for (const ifExists of op === 'null' ? [false] : [false, true]) {
      const parsed = Object.freeze({ op, ifExists, setOp });
      const operator = `${prefix}${spelled}${ifExists ? 'IfExists' : ''}`;
      KNOWN_OPERATORS.set(operator, parsed);
      KNOWN_OPERATORS.set(operator.toLowerCase(), parsed);
    }
  }
}

/** `ForAnyValue:StringLikeIfExists` -> {op: 'stringlike', ifExists: true, setOp: 'foranyvalue'}; null when unknown. */
function parseOperator(operator: string): Readonly<ParsedOperator> | null {
  return KNOWN_OPERATORS.get(operator) ?? KNOWN_OPERATORS.get(operator.toLowerCase()) ?? null;
}

/** The conditions of every statement without a Condition (read-only, like the rest of the parse). */
const NO_CONDITIONS: readonly NormalizedCondition[] = Object.freeze([]);

/**
 * The condition `hint` (a valid statement's conditions) parsed from `operator`/`rawKey` when the
 * block `previous` it came from holds the same value as `block`: it is what parsing that value
 * again would give. Undefined otherwise.
 */
function parsedBefore(hint: NormalizedCondition[], previous: unknown, block: Record<string, unknown>, operator: string, rawKey: string): NormalizedCondition | undefined {
  if (!isPlainObject(previous) || !hasOwn.call(previous, rawKey) || previous[rawKey] !== block[rawKey]) return undefined;
  for (let i = 0; i < hint.length; i++) {
    const c = hint[i];
    if (c.rawKey === rawKey && c.operator === operator) return c;
  }
  return undefined;
}

/**
 * Parse a Condition element. `from` is the Condition of a valid statement a fix derived this one
 * from, and `hint` its parsed conditions: a key whose value a fix left alone (the same value in
 * the same operator block) is taken over parsed, not lower-cased and copied again.
 */
function parseConditions(v: unknown, index: number, problems: string[], from?: Record<string, unknown>, hint?: NormalizedCondition[]): NormalizedCondition[] {
  if (v === undefined) return NO_CONDITIONS as NormalizedCondition[];
  if (!isPlainObject(v)) {
    problems.push(`${at(index, 'Condition')} must be an object of condition operators`);
    return NO_CONDITIONS as NormalizedCondition[];
  }
  // Most statements have one condition: `[c]` holds it exactly, where push() onto `[]` would
  // reserve room for 17.
  let out: NormalizedCondition[] | null = null;
  // for-in with an own-property test lists what Object.keys lists, without building the list.
  for (const operator in v) {
    if (!hasOwn.call(v, operator)) continue;
    const block = v[operator];
    // A member whose value is undefined (object input only) is absent, as in its JSON text.
    if (block === undefined) continue;
    if (!isPlainObject(block)) {
      problems.push(`${at(index, 'Condition')}.${operator} must be an object of condition keys`);
      continue;
    }
    const parsed = parseOperator(operator);
    if (parsed === null) {
      problems.push(`${at(index, 'Condition')} has an unknown condition operator ${describeValue(operator)}`);
      continue;
    }
    const { op: lower, ifExists, setOp } = parsed;
    const previous = from !== undefined && hasOwn.call(from, operator) ? from[operator] : undefined;
    for (const rawKey in block) {
      if (!hasOwn.call(block, rawKey)) continue;
      const value = block[rawKey];
      // A member whose value is undefined (object input only) is absent, as in its JSON text.
      if (value === undefined) continue;
      const known = previous === undefined ? undefined : parsedBefore(hint!, previous, block, operator, rawKey);
      if (known !== undefined) {
        if (out === null) out = [known];
        else out.push(known);
        continue;
      }
      const values = conditionValues(value);
      if (!values) {
        problems.push(`${at(index, 'Condition')}.${operator}.${rawKey} must be a string, number, boolean or a non-empty list of them`);
        continue;
      }
      const c: NormalizedCondition = { operator, op: lower, ifExists, setOp, key: rawKey.toLowerCase(), rawKey, values };
      if (out === null) out = [c];
      else out.push(c);
    }
  }
  return out ?? (NO_CONDITIONS as NormalizedCondition[]);
}

/** parseStatement's problems, reused (it is not re-entrant): most statements have none. */
const scratch: string[] = [];

/**
 * Parse one statement. `hint` is a valid statement a fix may have derived `raw` from: elements it
 * shares with `raw` (the same objects, which nothing mutates) are taken over parsed.
 */
function parseStatement(raw: unknown, index: number, problems: PolicyProblem[], hint: NormalizedStatement | null = null): NormalizedStatement | null {
  const local = scratch;
  // Emptied only when it is not (setting length is a builtin call, and most statements are valid).
  if (local.length !== 0) local.length = 0;
  if (!isPlainObject(raw)) {
    problems.push({ statement: index, message: `Statement[${index}] is not an object` });
    return null;
  }
  // One pass over the statement's own keys (the elements a statement may have): unknown elements,
  // which elements are present, and their values. `raw[k]` inside the loop is read through the
  // loop's own key cache; a named load such as `raw.Effect` would be a lookup, the statements of
  // a corpus having many shapes.
  let hasP = false;
  let hasNP = false;
  let hasA = false;
  let hasNA = false;
  let hasR = false;
  let hasNR = false;
  let effect: unknown;
  let sid: unknown;
  let condition: unknown;
  let principalValue: unknown;
  let notPrincipalValue: unknown;
  let actionValue: unknown;
  let notActionValue: unknown;
  for (const k in raw) {
    if (!hasOwn.call(raw, k)) continue;
    const value = raw[k];
    // A member whose value is undefined (object input only) is absent, as in its JSON text.
    if (value === undefined) continue;
    switch (k) {
      case 'Sid':
        sid = value;
        break;
      case 'Effect':
        effect = value;
        break;
      case 'Condition':
        condition = value;
        break;
      case 'Principal':
        hasP = true;
        principalValue = value;
        break;
      case 'NotPrincipal':
        hasNP = true;
        notPrincipalValue = value;
        break;
      case 'Action':
        hasA = true;
        actionValue = value;
        break;
      case 'NotAction':
        hasNA = true;
        notActionValue = value;
        break;
      case 'Resource':
        hasR = true;
        break;
      case 'NotResource':
        hasNR = true;
        break;
      default:
        local.push(`Statement[${index}] has an unknown element ${describeValue(k)}`);
    }
  }
  // Effect, Sid and Condition are read whether own or not (an object input may inherit them);
  // reading again what the loop found undefined gives undefined again.
  if (effect === undefined) effect = raw.Effect;
  if (sid === undefined) sid = raw.Sid;
  if (condition === undefined) condition = raw.Condition;
  if (effect === undefined) local.push(`Statement[${index}] has no Effect`);
  else if (effect !== 'Allow' && effect !== 'Deny') local.push(`Statement[${index}].Effect is ${describeValue(effect)}, not "Allow" or "Deny"`);
  if (hasR || hasNR) local.push(`Statement[${index}] has ${hasR ? 'Resource' : 'NotResource'}, which a trust policy must not have`);
  if (!hasP && !hasNP) local.push(`Statement[${index}] has no Principal or NotPrincipal`);
  if (hasP && hasNP) local.push(`Statement[${index}] has both Principal and NotPrincipal`);
  const from = hint?.raw;
  const principal = !hasP
    ? null
    : from !== undefined && hint!.principal !== null && principalValue === from.Principal
      ? hint!.principal
      : parsePrincipal(principalValue, index, 'Principal', local);
  const notPrincipal = hasNP ? parsePrincipal(notPrincipalValue, index, 'NotPrincipal', local) : null;
  if (!hasA && !hasNA) local.push(`Statement[${index}] has no Action or NotAction`);
  if (hasA && hasNA) local.push(`Statement[${index}] has both Action and NotAction`);
  let actions: string[] | null = null;
  let notActions: string[] | null = null;
  if (hasA && from !== undefined && hint!.actions !== null && actionValue === from.Action) actions = hint!.actions;
  else if (hasA) {
    actions = lowerList(actionValue);
    if (!actions) local.push(`Statement[${index}].Action must be a string or a non-empty list of strings`);
  }
  if (hasNA) {
    notActions = lowerList(notActionValue);
    if (!notActions) local.push(`Statement[${index}].NotAction must be a string or a non-empty list of strings`);
  }
  const fromCondition = from === undefined ? undefined : from.Condition;
  const conditions =
    fromCondition !== undefined && condition === fromCondition
      ? hint!.conditions
      : isPlainObject(fromCondition)
        ? parseConditions(condition, index, local, fromCondition, hint!.conditions)
        : parseConditions(condition, index, local);
  if (sid !== undefined && typeof sid !== 'string') local.push(`Statement[${index}].Sid must be a string`);
  if (local.length > 0) {
    for (const message of local) problems.push({ statement: index, message });
    return null;
  }
  return {
    index,
    raw,
    sid: sid as string | undefined,
    effect: effect as 'Allow' | 'Deny',
    principal,
    notPrincipal,
    actions,
    notActions,
    conditions,
    flags: statementFlags(effect, principal, notPrincipal, actions, notActions),
    memo: undefined,
    answers: undefined,
  };
}

/**
 * Parse any trust policy as IAM accepts it. Never throws. An object is judged as its JSON text
 * would be: a hole in an array is null there, a member whose value is undefined is absent.
 */
export function parsePolicy(input: unknown): ParseResult {
  const { doc, problem } = toDocument(input);
  if (problem) return { ok: false, problems: [{ statement: null, message: problem }], raw: null };
  return parseDocument(doc, null, typeof input === 'string');
}

/**
 * Parse a document that a fix derived from `previous` (same answer as parsePolicy). Statements the
 * fix left as they were (the same objects, which fixes never mutate) are taken over with what was
 * derived from them instead of being normalised again.
 */
export function parseFixedPolicy(previous: TrustPolicy, doc: PolicyDocument): ParseResult {
  return parseDocument(doc, previous.statements, previous.jsonOnly === true);
}

/** A statement of `previous` parsed from `raw`, searched from `from` on (fixes keep statement order). */
function findParsed(previous: NormalizedStatement[], raw: unknown, from: number): number {
  for (let j = from; j < previous.length; j++) if (previous[j].raw === raw) return j;
  return -1;
}

function parseDocument(doc: unknown, previous: NormalizedStatement[] | null, jsonOnly: boolean): ParseResult {
  if (!isPlainObject(doc)) {
    const kind = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc;
    return { ok: false, problems: [{ statement: null, message: `policy must be a JSON object, got ${kind}` }], raw: null };
  }
  const problems: PolicyProblem[] = [];
  const version = doc.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    problems.push({ statement: null, message: `Version ${describeValue(version)} is not "2012-10-17" or "2008-10-17"` });
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') {
    problems.push({ statement: null, message: `Id must be a string, got ${describeValue(doc.Id)}` });
  }
  // for-in with an own-property test lists what Object.keys lists, without building the list.
  for (const k in doc) {
    if (hasOwn.call(doc, k) && doc[k] !== undefined && !TOP_LEVEL_ELEMENTS.has(k)) problems.push({ statement: null, message: `unknown top-level element "${k}"` });
  }
  const st = doc.Statement;
  let rawStatements: unknown[] = [];
  let statementIsObject = false;
  if (st === undefined) problems.push({ statement: null, message: 'policy has no Statement' });
  else if (Array.isArray(st)) {
    if (st.length === 0) problems.push({ statement: null, message: 'Statement is an empty list' });
    if (st.length > MAX_STATEMENTS) {
      return { ok: false, problems: [{ statement: null, message: `Statement has ${st.length} entries, more than any trust policy IAM accepts` }], raw: doc };
    }
    rawStatements = st;
  } else if (isPlainObject(st)) {
    rawStatements = [st];
    statementIsObject = true;
  } else problems.push({ statement: null, message: 'Statement must be an object or a list of objects' });

  // Sized up front (one statement each): push() onto [] would reserve room for 17.
  const statements: NormalizedStatement[] = new Array(rawStatements.length);
  let allowFlags = 0;
  sawNumber = false;
  let next = 0; // where to look for the next statement in `previous`
  for (let i = 0; i < rawStatements.length; i++) {
    // A hole (object input) is reported as not an object: JSON.stringify, and so IAM, would see null.
    const s = rawStatements[i];
    const j = previous ? findParsed(previous, s, next) : -1;
    if (previous && j >= 0) {
      // parseStatement depends only on the statement and its index; a valid one has no problems.
      const known = previous[j];
      statements[i] = known.index === i ? known : { ...known, index: i, answers: undefined };
      if (known.flags & StatementFlags.ALLOW) allowFlags |= known.flags;
      next = j + 1;
      continue;
    }
    // Not found: most likely the statement a fix replaced, next in `previous`.
    const n = parseStatement(s, i, problems, previous !== null && next < previous.length ? previous[next] : null);
    if (n) {
      statements[i] = n;
      if (n.flags & StatementFlags.ALLOW) allowFlags |= n.flags;
    }
  }
  // A statement that does not parse adds its problems: past here every slot is filled.
  if (problems.length > 0) return { ok: false, problems, raw: doc };
  // Every field in the literal (undefined when it does not apply): one object shape, and no
  // property store grown afterwards.
  const policy: TrustPolicy = {
    raw: doc,
    version: version as string | undefined,
    statementIsObject,
    statements,
    allowFlags,
    jsonOnly: jsonOnly ? true : undefined,
    numbers: previous === null ? sawNumber : undefined,
  };
  return { ok: true, policy };
}
