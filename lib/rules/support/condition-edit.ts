/**
 * setCondition (lib/policy/edit.ts) for the rules' fixes: the same result, built more cheaply.
 *
 * - Finding an existing key case-insensitively compares characters in place instead of
 *   lower-casing every key and the wanted one: IRSA claim keys are ~80 characters long.
 * - A block or Condition object the fix creates from nothing is an object literal when its key is
 *   one the fixes write (aws:SourceArn, aws:SourceAccount, ArnLike, StringEquals). A literal gets
 *   its hidden class from its boilerplate; adding the key to `{}` (what copyWith does) looks up
 *   the empty object's transitions, which the corpus' thousands of distinct IRSA keys have filled
 *   past V8's limit, so every such add would build a fresh hidden class.
 */
import { compactList, copyWith } from '../../policy/edit';
import type { JsonStatement } from '../../policy/types';

/** Is every character of `s` ASCII (so that lower-casing keeps its length)? */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** `a.toLowerCase() === b.toLowerCase()`, without building either when both are ASCII. */
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

/** The first own key of `obj` equal to `key` ignoring case (edit.ts findKeyCI). */
export function findKeyIgnoringCase(obj: Record<string, unknown>, key: string): string | undefined {
  const keys = Object.keys(obj);
  if (!isAscii(key)) {
    const lower = key.toLowerCase();
    for (let i = 0; i < keys.length; i++) if (keys[i].length <= lower.length && keys[i].toLowerCase() === lower) return keys[i];
    return undefined;
  }
  // An ASCII key's lower-case form is as long as the key.
  for (let i = 0; i < keys.length; i++) if (keys[i].length <= key.length && sameIgnoringCase(keys[i], key)) return keys[i];
  return undefined;
}

/** `copyWith({}, key, value)`: a literal for the keys fixes write (see the top of the file). */
function only(key: string, value: unknown): Record<string, unknown> {
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
 * setCondition(s, operator, key, values): `Condition[operator][key] = values`, reusing the
 * operator block and key spelling already present (both case-insensitive).
 */
export function setConditionOf(s: JsonStatement, operator: string, key: string, values: string[]): JsonStatement {
  const present = s.Condition && typeof s.Condition === 'object';
  const cond = (present ? s.Condition : null) as Record<string, unknown> | null;
  const opKey = cond === null ? operator : Object.hasOwn(cond, operator) ? operator : (findKeyIgnoringCase(cond, operator) ?? operator);
  const current = cond === null ? undefined : cond[opKey];
  const block = (current && typeof current === 'object' ? current : null) as Record<string, unknown> | null;
  const value = compactList(values);
  let nextBlock: Record<string, unknown>;
  if (block === null) nextBlock = only(key, value);
  else {
    const k = Object.hasOwn(block, key) ? key : (findKeyIgnoringCase(block, key) ?? key);
    nextBlock = copyWith(block, k, value);
  }
  const out = { ...s };
  out.Condition = cond === null ? only(opKey, nextBlock) : copyWith(cond, opKey, nextBlock);
  return out;
}
