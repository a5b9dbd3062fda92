/**
 * What fargate-role-shared and node-role-cluster-role both ask: which Allow statements trust each
 * of two services (the statements' SERVICE_* flags, which is trustsService's answer), and the
 * first statement trusting both, the place to point at (otherwise the finding is the role's).
 */
import type { NormalizedStatement, TrustPolicy } from '../../policy/normalize';
import { isAllow } from '../../policy/query';

export interface ServicePair {
  /** Allow statements trusting the first service, in statement order. */
  first: NormalizedStatement[];
  /** Allow statements trusting the second service, in statement order. */
  second: NormalizedStatement[];
  /** The first statement trusting both, if any. */
  both: NormalizedStatement | undefined;
}

/** The pair, or null when no Allow statement trusts one of the services. */
export function servicePair(policy: TrustPolicy, firstFlag: number, secondFlag: number): ServicePair | null {
  let first: NormalizedStatement[] | null = null;
  let second: NormalizedStatement[] | null = null;
  let both: NormalizedStatement | undefined;
  const statements = policy.statements;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    if (!isAllow(s)) continue;
    const inFirst = (s.flags & firstFlag) !== 0;
    const inSecond = (s.flags & secondFlag) !== 0;
    if (inFirst) (first ??= []).push(s);
    if (inSecond) (second ??= []).push(s);
    if (inFirst && inSecond && both === undefined) both = s;
  }
  return first === null || second === null ? null : { first, second, both };
}

/** "statement 0 "Sid", 2" for a message. */
export function listStatements(statements: NormalizedStatement[]): string {
  let names = '';
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    names += `${i === 0 ? '' : ', '}${s.index}${s.sid ? ` "${s.sid}"` : ''}`;
  }
  return `statement${statements.length > 1 ? 's' : ''} ${names}`;
}
