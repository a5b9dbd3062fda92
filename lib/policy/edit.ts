/**
 * Immutable edits of a raw trust-policy document for fixes. Every function returns new objects
 * and leaves statements it does not touch as they were (same Sid, order, values), which is what
 * the "minimal" fix guarantee asks for.
 */
import type { JsonStatement, PolicyDocument } from './types';

/**
 * The length ledger: while the engine runs a fix on a document parsed from JSON text, every edit
 * helper below that changes a document adds the exact change of its serialised length
 * (parsedJsonLength), so the engine knows the fixed policy's length without measuring it. A fix
 * must change documents only through these helpers (copyWith and withStatements are building
 * blocks, not edits); test/lib/policy/length.test.ts holds every rule's fix to its count. Null
 * while nobody counts (object input, or outside a fix).
 */
let ledger: number | null = null;

/** Start counting a fix's length change (counting: the document holds only JSON values). */
export function startLedger(counting: boolean): void {
  ledger = counting ? 0 : null;
}

/** What the helpers counted since startLedger (null when not counting), and stop counting. */
export function endLedger(): number | null {
  const counted = ledger;
  ledger = null;
  return counted;
}

/** Does `obj` have an own enumerable member (fixes never write undefined values)? */
function hasMembers(obj: object): boolean {
  for (const k in obj) if (hasOwn.call(obj, k)) return true;
  return false;
}

/** The length change of `copyWith(obj, key, value)` against `obj`, given the value's serialised length. */
function memberDeltaOf(obj: object, key: string, valueLength: number): number {
  const old = Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
  if (old !== undefined) return valueLength - parsedJsonLength(old);
  // A new member: its key, colon and value, and a comma unless it is the only one.
  return (hasMembers(obj) ? 1 : 0) + stringLength(key) + 1 + valueLength;
}

/** The length change of `copyWith(obj, key, value)` against `obj`. */
function memberDelta(obj: object, key: string, value: unknown): number {
  return memberDeltaOf(obj, key, parsedJsonLength(value));
}

/** The serialised length of `{ key: <a value of valueLength> }`, without building it. */
function singleMemberLength(key: string, valueLength: number): number {
  return 2 + stringLength(key) + 1 + valueLength;
}

export function statementsOf(doc: PolicyDocument): JsonStatement[] {
  const st = doc.Statement;
  if (Array.isArray(st)) return st as JsonStatement[];
  if (st && typeof st === 'object') return [st as JsonStatement];
  return [];
}

/**
 * `{ ...obj, [key]: value }`. Spread then store: a computed key in the literal takes a slow path.
 * "__proto__" stays in the literal, where a computed key defines an own property (a store would
 * set the prototype).
 */
export function copyWith<T extends object>(obj: T, key: string, value: unknown): T {
  if (key === '__proto__') return { ...obj, [key]: value };
  const out = { ...obj } as Record<string, unknown>;
  out[key] = value;
  return out as T;
}

/** `copyWith` as a fix's edit: counted in the length ledger. */
export function replaceMember<T extends object>(obj: T, key: string, value: unknown): T {
  if (ledger !== null) ledger += memberDelta(obj, key, value);
  return copyWith(obj, key, value);
}

/** The document with `Version` set, written first as IAM and people write it (a fix's edit). */
export function withVersion(doc: PolicyDocument, version: string): PolicyDocument {
  if (ledger !== null) ledger += memberDelta(doc, 'Version', version);
  const { Version: _v, ...rest } = doc;
  return { Version: version, ...rest };
}

/** Replace the statement list, keeping the single-object form when the document used it. */
export function withStatements(doc: PolicyDocument, statements: JsonStatement[]): PolicyDocument {
  const keepObject = !Array.isArray(doc.Statement) && statements.length === 1;
  const out = { ...doc };
  out.Statement = keepObject ? statements[0] : statements;
  return out;
}

export function updateStatement(
  doc: PolicyDocument,
  index: number,
  update: (s: JsonStatement) => JsonStatement,
): PolicyDocument {
  const edits = startEdits(doc);
  editStatement(edits, index, update);
  return finishEdits(edits);
}

/**
 * Several updateStatement calls on one document, with the statement list copied and the document
 * rebuilt once (a fix's findings often hit one document several times): startEdits, then
 * editStatement for each edit, then finishEdits. The result is what the same updateStatement
 * calls in the same order build.
 */
export interface StatementEdits {
  readonly doc: PolicyDocument;
  /** The document's statements (statementsOf), read-only. */
  readonly list: JsonStatement[];
  /** The edited copy of `list`, made on the first edit. */
  copy: JsonStatement[] | null;
}

export function startEdits(doc: PolicyDocument): StatementEdits {
  return { doc, list: statementsOf(doc), copy: null };
}

/** updateStatement(doc, index, update) on the edits so far: an index out of range (or null) changes nothing. */
export function editStatement(edits: StatementEdits, index: number | null, update: (s: JsonStatement) => JsonStatement): void {
  if (index === null || index < 0 || index >= edits.list.length) return;
  const copy = (edits.copy ??= edits.list.slice());
  copy[index] = update(copy[index]);
}

/** The edited document (the original when nothing was edited). */
export function finishEdits(edits: StatementEdits): PolicyDocument {
  return edits.copy === null ? edits.doc : withStatements(edits.doc, edits.copy);
}

/** Drop statements by index (for fixes that leave a statement with nothing to trust). */
export function removeStatements(doc: PolicyDocument, indexes: Set<number>): PolicyDocument {
  const list = statementsOf(doc);
  const kept = list.filter((_, i) => !indexes.has(i));
  const out = withStatements(doc, kept);
  if (ledger !== null) {
    let d = listOverhead(out.Statement, kept.length) - listOverhead(doc.Statement, list.length);
    for (let i = 0; i < list.length; i++) if (indexes.has(i)) d -= parsedJsonLength(list[i]);
    ledger += d;
  }
  return out;
}

/** Is every character of `s` ASCII (so that lower-casing keeps its length)? */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * `a.toLowerCase() === b.toLowerCase()`, without building either when both are ASCII (IRSA
 * claim keys are ~80 characters long).
 */
export function sameIgnoringCase(a: string, b: string): boolean {
  if (a.length !== b.length) {
    // ASCII lower-cases to the same length: only non-ASCII text can still match.
    return !isAscii(a) || !isAscii(b) ? a.toLowerCase() === b.toLowerCase() : false;
  }
  // From the end: claim keys of one provider (`…:sub`, `…:aud`) differ only there.
  for (let i = a.length - 1; i >= 0; i--) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x > 127 || y > 127) return a.toLowerCase() === b.toLowerCase();
    // Two different ASCII characters: equal only as the two cases of one letter.
    const lx = x | 32;
    if (lx !== (y | 32) || lx < 97 || lx > 122) return false;
  }
  return true;
}

/** The first own key of `obj` equal to `key` ignoring case (operators and condition keys are case-insensitive). */
export function findKeyIgnoringCase(obj: Record<string, unknown>, key: string): string | undefined {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) if (sameIgnoringCase(keys[i], key)) return keys[i];
  return undefined;
}

/** A string for one value, a list for several: the way people write policies. */
export function compactList(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/**
 * `copyWith({}, key, value)`, as a literal for the keys fixes write. A literal gets its hidden
 * class from its boilerplate; adding a key to `{}` looks up the empty object's transitions, which
 * thousands of distinct IRSA claim keys fill past V8's limit, after which every such add builds a
 * fresh hidden class.
 */
function singleMember(key: string, value: unknown): Record<string, unknown> {
  switch (key) {
    case 'aws:SourceArn':
      return { 'aws:SourceArn': value };
    case 'aws:SourceAccount':
      return { 'aws:SourceAccount': value };
    case 'ArnLike':
      return { ArnLike: value };
    case 'StringEquals':
      return { StringEquals: value };
    default:
      return copyWith({}, key, value);
  }
}

/**
 * Set `Condition[operator][key]` to `values`, reusing the operator block and key spelling already
 * present (operators and keys are case-insensitive).
 */
export function setCondition(s: JsonStatement, operator: string, key: string, values: string[]): JsonStatement {
  const present = s.Condition && typeof s.Condition === 'object';
  const cond = (present ? s.Condition : null) as Record<string, unknown> | null;
  const opKey = cond === null ? operator : Object.hasOwn(cond, operator) ? operator : (findKeyIgnoringCase(cond, operator) ?? operator);
  const current = cond === null ? undefined : cond[opKey];
  const block = (current && typeof current === 'object' ? current : null) as Record<string, unknown> | null;
  const value = compactList(values);
  let nextBlock: Record<string, unknown>;
  let nextKey: string | undefined;
  if (block === null) nextBlock = singleMember(key, value);
  else {
    nextKey = Object.hasOwn(block, key) ? key : (findKeyIgnoringCase(block, key) ?? key);
    nextBlock = copyWith(block, nextKey, value);
  }
  const out = { ...s };
  out.Condition = cond === null ? singleMember(opKey, nextBlock) : copyWith(cond, opKey, nextBlock);
  if (ledger !== null) {
    // The change is the innermost replaced member's. A new block (and Condition) is measured
    // from its parts: listing the keys of a fresh object keyed by a unique claim key is slow.
    if (block !== null) ledger += memberDelta(block, nextKey!, value);
    else {
      const blockLength = singleMemberLength(key, parsedJsonLength(value));
      ledger += cond === null ? memberDeltaOf(s, 'Condition', singleMemberLength(opKey, blockLength)) : memberDeltaOf(cond, opKey, blockLength);
    }
  }
  return out;
}

/** Remove `Condition[operator][key]` (exact spellings as written), dropping emptied blocks. */
export function removeCondition(s: JsonStatement, operator: string, rawKey: string): JsonStatement {
  const cond = { ...((s.Condition ?? {}) as Record<string, unknown>) };
  const block = { ...((cond[operator] ?? {}) as Record<string, unknown>) };
  delete block[rawKey];
  if (Object.keys(block).length === 0) delete cond[operator];
  else cond[operator] = block;
  const next = { ...s, Condition: cond };
  if (Object.keys(cond).length === 0) delete (next as Record<string, unknown>).Condition;
  // Seldom used (a Fargate SourceArn pin moving to ArnLike): measured where it differs.
  if (ledger !== null) ledger += lengthDelta(next, s);
  return next;
}

/**
 * Add actions to a statement's Action (string or list), keeping what is there; an action already
 * listed (in any case) is not added again.
 */
export function addActions(s: JsonStatement, actions: string[]): JsonStatement {
  const action = s.Action;
  const current = typeof action === 'string' ? [action] : Array.isArray(action) ? (action as unknown[]) : [];
  let added: string[] | null = null;
  for (let j = 0; j < actions.length; j++) {
    let listed = false;
    for (let i = 0; i < current.length && !listed; i++) {
      const c = current[i];
      listed = typeof c === 'string' && sameIgnoringCase(c, actions[j]);
    }
    if (!listed) (added ??= []).push(actions[j]);
  }
  if (added === null) return s;
  const out = { ...s };
  out.Action = [...current, ...added];
  if (ledger !== null) ledger += memberDelta(s, 'Action', out.Action);
  return out;
}

/** In a for-in over the same object, V8 answers `hasOwnProperty.call(obj, key)` from the loop's own check. */
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Replace Action/NotAction with an explicit Action list. for-in with an own-property test visits
 * the members Object.entries lists, in its order, without building the pairs.
 */
export function setActions(s: JsonStatement, actions: string[]): JsonStatement {
  const next: JsonStatement = {};
  for (const k in s) {
    if (!hasOwn.call(s, k)) continue;
    if (k === 'NotAction' || k === 'Action') next.Action = compactList(actions);
    // An own "__proto__" member stays a member (a store would set the prototype).
    else if (k === '__proto__') Object.defineProperty(next, k, { value: s[k], enumerable: true, writable: true, configurable: true });
    else next[k] = s[k];
  }
  if (ledger !== null) {
    const action = Object.hasOwn(s, 'Action') ? s.Action : undefined;
    const notAction = Object.hasOwn(s, 'NotAction') ? s.NotAction : undefined;
    if (notAction === undefined && action !== undefined) ledger += parsedJsonLength(next.Action) - parsedJsonLength(action);
    else if (action === undefined && notAction !== undefined) ledger += parsedJsonLength(next.Action) - parsedJsonLength(notAction) - ('NotAction'.length - 'Action'.length);
    else ledger += lengthDelta(next, s);
  }
  return next;
}

/** Compact serialisation, the form whose length IAM limits. */
export function serializedLength(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

/** Characters JSON.stringify escapes (lone surrogates included): such strings are measured by it. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON.stringify escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function stringLength(s: string): number {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s).length : s.length + 2;
}

/**
 * serializedLength without building the text, for documents made only of what JSON.parse
 * returns (and what fixes add to them: strings, lists, objects). Anything else (toJSON, boxed
 * values, class instances) must go through serializedLength.
 */
export function parsedJsonLength(value: unknown): number {
  if (typeof value === 'string') return stringLength(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null || typeof value !== 'object') return 4;
  if (Array.isArray(value)) {
    let n = value.length > 0 ? value.length + 1 : 2;
    for (let i = 0; i < value.length; i++) n += parsedJsonLength(value[i]);
    return n;
  }
  const obj = value as Record<string, unknown>;
  let n = 1;
  let members = 0;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    members++;
    n += stringLength(k) + 1 + parsedJsonLength(v);
  }
  return n + (members > 0 ? members : 1);
}

const SURROGATE = /[\ud800-\udfff]/;

/** What an object's braces and commas take, around `members` members (see parsedJsonLength). */
function objectOverhead(members: number): number {
  return members > 0 ? 1 + members : 2;
}

/**
 * `parsedJsonLength(next) - parsedJsonLength(prev)`, walking only where they differ: a fix shares
 * whatever it left alone with the document it started from.
 */
export function lengthDelta(next: unknown, prev: unknown): number {
  if (next === prev) return 0;
  if (!isJsonObject(next) || !isJsonObject(prev) || Array.isArray(next) !== Array.isArray(prev)) return parsedJsonLength(next) - parsedJsonLength(prev);
  if (Array.isArray(next)) {
    const a = prev as unknown[];
    if (a.length !== next.length) return parsedJsonLength(next) - parsedJsonLength(prev);
    let d = 0;
    for (let i = 0; i < next.length; i++) d += lengthDelta(next[i], a[i]);
    return d;
  }
  const n = next as Record<string, unknown>;
  const p = prev as Record<string, unknown>;
  let d = 0;
  let membersNext = 0;
  // Members of `next` that `prev` has too (with a value).
  let shared = 0;
  for (const k in n) {
    if (!hasOwn.call(n, k)) continue;
    const v = n[k];
    if (v === undefined) continue;
    membersNext++;
    const w = Object.hasOwn(p, k) ? p[k] : undefined;
    if (w === undefined) d += stringLength(k) + 1 + parsedJsonLength(v);
    else {
      shared++;
      d += lengthDelta(v, w);
    }
  }
  let membersPrev = 0;
  for (const k in p) if (hasOwn.call(p, k) && p[k] !== undefined) membersPrev++;
  // Members `next` dropped, looked up in `next` only when the counts say there are some (fixes
  // seldom drop a member).
  if (membersPrev > shared) {
    for (const k in p) {
      if (!hasOwn.call(p, k)) continue;
      const w = p[k];
      if (w !== undefined && (!Object.hasOwn(n, k) || n[k] === undefined)) d -= stringLength(k) + 1 + parsedJsonLength(w);
    }
  }
  return d + objectOverhead(membersNext) - objectOverhead(membersPrev);
}

function isJsonObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** Characters a Statement value spends on brackets and commas around its statements. */
function listOverhead(value: unknown, count: number): number {
  return Array.isArray(value) ? 2 + Math.max(count - 1, 0) : 0;
}

/**
 * Is `JSON.stringify(JSON.parse(text))` never longer than `text`? `numbers` says whether the
 * parsed text holds a number (normalize.ts knows: `TrustPolicy.numbers`). The text is the
 * evaluated input, possibly URL-encoded or padded: never shorter than the JSON it decodes to.
 * Whitespace, escapes and repeated keys only make text longer than what it parses to; but a
 * number can grow ("1e21" -> "1e+21", "1e20" -> 21 digits, "1e-6" -> "0.000001") and a raw lone
 * surrogate becomes a six-character escape. So the text's length plus the fixes' counted change
 * bounds the fixed policy's length when this holds (numbers are rare in trust policies).
 */
export function textBoundsItsJson(text: string, numbers: boolean): boolean {
  return !numbers && !SURROGATE.test(text);
}
