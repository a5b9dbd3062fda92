/**
 * The running counts of a sweep: pure, plain JSON (they travel in the continuation checkpoint),
 * merged one evaluation at a time. See notes/SWEEP.md for what each count means.
 */
import { highestSeverity, severityRank } from '../engine';
import type { Severity } from '../policy/types';

/** How many entries the summary's `worst` list keeps. */
export const WORST_LIMIT = 20;
/** How many failures the summary lists by name (all are counted). */
export const FAILURE_LIMIT = 20;

export interface Counts {
  /** Evaluations counted (roles, or associations). */
  total: number;
  /** Outcome of each evaluation: fixed, tagged, reported, exempt, failed, compliant, missing. */
  byOutcome: Record<string, number>;
  /** Per rule id: how many evaluations had at least one finding of it (fixed ones included). */
  byRule: Record<string, number>;
  /** Per severity: how many evaluations had it as their highest. */
  bySeverity: Record<string, number>;
}

export interface WorstEntry {
  role: string;
  severity: Severity;
  ruleIds: string[];
  /** Number of findings (a rule may find several statements). */
  findings: number;
  outcome: string;
  /** Set when the entry is a Pod Identity association's evaluation. */
  association?: string;
}

export interface FailureEntry {
  role: string;
  error: string;
  association?: string;
}

export interface Tally {
  roles: Counts;
  associations: Counts;
  worst: WorstEntry[];
  failures: FailureEntry[];
}

/** One evaluation as the tally needs it (a RemediationReport fits). */
export interface Evaluated {
  roleName: string;
  outcome: string;
  findings: { ruleId: string; severity: Severity }[];
}

export function emptyCounts(): Counts {
  return { total: 0, byOutcome: {}, byRule: {}, bySeverity: {} };
}

export function emptyTally(): Tally {
  return { roles: emptyCounts(), associations: emptyCounts(), worst: [], failures: [] };
}

const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/** Worst first: highest severity, then most findings, then name (stable across runs). */
export function compareWorst(a: WorstEntry, b: WorstEntry): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    b.findings - a.findings ||
    a.role.localeCompare(b.role) ||
    (a.association ?? '').localeCompare(b.association ?? '')
  );
}

/** Insert into a list kept sorted and at most `limit` long. */
function insertWorst(list: WorstEntry[], entry: WorstEntry, limit = WORST_LIMIT): void {
  if (list.length >= limit && compareWorst(entry, list[list.length - 1]) >= 0) return;
  let i = list.length;
  while (i > 0 && compareWorst(entry, list[i - 1]) < 0) i--;
  list.splice(i, 0, entry);
  if (list.length > limit) list.length = limit;
}

/** Count one evaluation (mutates `tally`). */
export function record(tally: Tally, e: Evaluated, association?: string): void {
  const counts = association === undefined ? tally.roles : tally.associations;
  counts.total++;
  bump(counts.byOutcome, e.outcome);
  const ruleIds = [...new Set(e.findings.map((f) => f.ruleId))].sort();
  for (const id of ruleIds) bump(counts.byRule, id);
  const severity = highestSeverity(e.findings);
  if (severity) {
    bump(counts.bySeverity, severity);
    const entry: WorstEntry = { role: e.roleName, severity, ruleIds, findings: e.findings.length, outcome: e.outcome };
    if (association !== undefined) entry.association = association;
    insertWorst(tally.worst, entry);
  }
}

/** Count an evaluation that threw: outcome `failed`, the error kept for the first few. */
export function recordFailure(tally: Tally, roleName: string, error: string, association?: string): void {
  const counts = association === undefined ? tally.roles : tally.associations;
  counts.total++;
  bump(counts.byOutcome, 'failed');
  if (tally.failures.length < FAILURE_LIMIT) {
    const entry: FailureEntry = { role: roleName, error };
    if (association !== undefined) entry.association = association;
    tally.failures.push(entry);
  }
}

function mergeCounts(a: Counts, b: Counts): Counts {
  const out: Counts = { total: a.total + b.total, byOutcome: { ...a.byOutcome }, byRule: { ...a.byRule }, bySeverity: { ...a.bySeverity } };
  for (const [k, n] of Object.entries(b.byOutcome)) bump(out.byOutcome, k, n);
  for (const [k, n] of Object.entries(b.byRule)) bump(out.byRule, k, n);
  for (const [k, n] of Object.entries(b.bySeverity)) bump(out.bySeverity, k, n);
  return out;
}

/** The tally of two disjoint parts of a sweep (e.g. a checkpoint and the pages after it). */
export function mergeTallies(a: Tally, b: Tally): Tally {
  const worst: WorstEntry[] = [];
  for (const e of [...a.worst, ...b.worst]) insertWorst(worst, e);
  return {
    roles: mergeCounts(a.roles, b.roles),
    associations: mergeCounts(a.associations, b.associations),
    worst,
    failures: [...a.failures, ...b.failures].slice(0, FAILURE_LIMIT),
  };
}

/** Highest severity found anywhere in the sweep, or null. */
export function tallySeverity(t: Tally): Severity | null {
  const seen = [...Object.keys(t.roles.bySeverity), ...Object.keys(t.associations.bySeverity)] as Severity[];
  return highestSeverity(seen.map((severity) => ({ severity })));
}

/** Rule ids found anywhere in the sweep, sorted. */
export function tallyRuleIds(t: Tally): string[] {
  return [...new Set([...Object.keys(t.roles.byRule), ...Object.keys(t.associations.byRule)])].sort();
}
