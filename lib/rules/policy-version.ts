import { withVersion } from '../policy/edit';
import { NO_FINDINGS, type Rule, type RuleFinding } from './types';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Does the string contain `${`? Searched as a `$` followed by `{`: a one-character search is
 * faster than includes('${'), and `$` is rare.
 */
function hasDollarBrace(text: string): boolean {
  for (let i = text.indexOf('$'); i !== -1; i = text.indexOf('$', i + 1)) if (text.charCodeAt(i + 1) === 123) return true;
  return false;
}

/**
 * Does any string of a JSON document (keys included) contain `${`? JSON.stringify never escapes
 * `$` or `{` and no escape sequence or structural character forms `${`, so this is what
 * `JSON.stringify(value).includes('${')` answers, for documents made only of JSON values.
 */
function hasVariable(value: unknown): boolean {
  if (typeof value === 'string') return hasDollarBrace(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'string' ? hasDollarBrace(v) : hasVariable(v)) return true;
    }
    return false;
  }
  const obj = value as Record<string, unknown>;
  // for-in over own keys is Object.keys without its array (V8 reads the object's enum cache and
  // folds the own-property test); the test keeps out anything enumerable on a prototype.
  for (const k in obj) {
    if (!hasOwn.call(obj, k)) continue;
    const v = obj[k];
    if (v !== undefined && (hasDollarBrace(k) || (typeof v === 'string' ? hasDollarBrace(v) : hasVariable(v)))) return true;
  }
  return false;
}

export const rule: Rule = {
  id: 'policy-version',
  severity: 'low',
  scope: 'trust-policy',
  summary:
    'The policy has no Version or the 2008-10-17 one, under which policy variables such as ${aws:username} are read as literal text.',
  check(policy) {
    if (!policy) return [];
    if (policy.version === '2012-10-17') return NO_FINDINGS as RuleFinding[];
    // Changing the version changes how `${…}` is read: only fix when no variable appears.
    const fixable = !(policy.jsonOnly === true ? hasVariable(policy.raw) : JSON.stringify(policy.raw).includes('${'));
    const what = policy.version === undefined ? 'has no Version' : `uses Version ${policy.version}`;
    return [
      {
        statement: null,
        message: `The policy ${what}; set "Version": "2012-10-17"${fixable ? '' : ' by hand (it contains ${…}, which the new version would read as a policy variable)'}.`,
        fixable,
      },
    ];
  },
  fix(doc) {
    return withVersion(doc, '2012-10-17');
  },
};
