/**
 * Tag keys and values as IAM and EKS accept them: Unicode letters, digits, spaces and
 * `_ . : / = + - @` only, keys up to 128 and values up to 256 characters. Anything else would make
 * the whole TagRole / TagResource call fail, so it is replaced here rather than sent.
 */

export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** What IAM's and EKS's tag patterns reject: everything outside `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. */
const DISALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/** Stand-in for a character the service would reject. */
export const TAG_REPLACEMENT = '_';

function sanitise(text: string, max: number): string {
  const cleaned = text.replace(DISALLOWED, TAG_REPLACEMENT);
  // Count and cut by code point, so a character outside the BMP is never split in half.
  const chars = Array.from(cleaned);
  return chars.length <= max ? cleaned : chars.slice(0, max).join('');
}

export function sanitiseTagValue(value: string): string {
  return sanitise(value, MAX_TAG_VALUE_LENGTH);
}

export function sanitiseTagKey(key: string): string {
  return sanitise(key, MAX_TAG_KEY_LENGTH);
}

/** Sanitised copy of a tag map; two keys that sanitise alike keep the later value. */
export function sanitiseTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    const k = sanitiseTagKey(key);
    if (k === '') throw new TypeError('tag keys must not be empty');
    out[k] = sanitiseTagValue(String(value));
  }
  return out;
}
