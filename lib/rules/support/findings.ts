/**
 * Collecting a check's findings without allocating when there are none: start from null, add with
 * `out = addFinding(out, f)`, return `out ?? NO_FINDINGS`. Most checks find nothing or one thing;
 * a one-element literal is a fraction of the size of the backing store a first `push` onto `[]`
 * allocates (room for 16 more).
 */
import { NO_FINDINGS, type RuleFinding } from '../types';

/** `out` with `f` appended: a new one-element list when `out` is null, else `out` itself. */
export function addFinding(out: RuleFinding[] | null, f: RuleFinding): RuleFinding[] {
  if (out === null) return [f];
  out.push(f);
  return out;
}

/** What a check returns for what it collected: the shared NO_FINDINGS when nothing. */
export function findingsOf(out: RuleFinding[] | null): RuleFinding[] {
  return out ?? (NO_FINDINGS as RuleFinding[]);
}
