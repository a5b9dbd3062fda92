/**
 * Human-readable report: per role a header, its findings, the fixed policy as a unified diff,
 * then one summary line. Colour only when asked (stdout is a TTY and NO_COLOR is unset).
 */
import { SEVERITIES, type Finding, type PolicyDocument, type Severity } from '../policy/types';
import type { FailOn } from './args';
import { failingFindings } from './check';
import type { CheckResult } from './types';

export interface HumanOptions {
  color: boolean;
  failOn: FailOn;
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', blue: '\x1b[34m', magenta: '\x1b[35m', cyan: '\x1b[36m' };
type Style = keyof typeof ANSI;

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['bold', 'magenta'],
  high: ['bold', 'red'],
  medium: ['yellow'],
  low: ['blue'],
  info: ['dim'],
};

function painter(enabled: boolean) {
  return (text: string, ...styles: Style[]) => (enabled && styles.length > 0 ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text);
}

function statementsOf(doc: PolicyDocument | null): unknown[] {
  const st = doc?.Statement;
  return Array.isArray(st) ? st : st !== undefined ? [st] : [];
}

/** `statement 0 (Sid "AllowEks")`, or `document` for document-level findings. */
export function describeLocation(f: Finding, original: PolicyDocument | null): string {
  if (f.statement === null) return 'document';
  const s = statementsOf(original)[f.statement] as Record<string, unknown> | undefined;
  const sid = s && typeof s.Sid === 'string' && s.Sid !== '' ? ` (Sid ${JSON.stringify(s.Sid)})` : '';
  return `statement ${f.statement}${sid}`;
}

/** Who the findings are about; null when the input names no role and no account. */
function roleLine(r: CheckResult): string | null {
  const account = r.account ? `account ${r.account}` : 'account unknown';
  if (r.roleName && r.roleArn) return `role ${r.roleName} (${r.roleArn})`;
  if (r.roleName) return `role ${r.roleName} · ${account}`;
  if (r.roleArn) return `role ${r.roleArn}`;
  return r.account ? `${account} (the input does not name the role)` : null;
}

/** Unified diff of the pretty-printed documents, without the `Index:`/`===` preamble. */
export function policyDiff(original: PolicyDocument, fixed: PolicyDocument, label: string, paint: ReturnType<typeof painter>): string[] {
  const before = `${JSON.stringify(original, null, 2)}\n`;
  const after = `${JSON.stringify(fixed, null, 2)}\n`;
  const { structuredPatch } = require('diff') as typeof import('diff'); // only when there is a fix to show
  const patch = structuredPatch(label, label, before, after, 'original', 'fixed', { context: 3 });
  const out = [paint(`--- ${label} (original)`, 'bold'), paint(`+++ ${label} (fixed)`, 'bold')];
  for (const h of patch.hunks) {
    out.push(paint(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, 'cyan'));
    for (const line of h.lines) {
      if (line.startsWith('+')) out.push(paint(line, 'green'));
      else if (line.startsWith('-')) out.push(paint(line, 'red'));
      else out.push(line);
    }
  }
  return out;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function summaryLine(results: CheckResult[], failOn: FailOn): string {
  const evaluated = results.filter((r) => r.outcome === 'evaluated');
  const skipped = results.length - evaluated.length;
  const findings = results.flatMap((r) => r.findings);
  const bySeverity = SEVERITIES.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`).join(', ');
  const fixable = findings.filter((f) => f.fixable).length;
  const failing = failingFindings(results, failOn).length;
  let line = `${plural(evaluated.length, 'role')} checked`;
  if (skipped > 0) line += `, ${plural(skipped, 'input')} not evaluated`;
  line += `: ${plural(findings.length, 'finding')} (${bySeverity}), ${fixable} fixable`;
  line += failOn === 'none' ? '.' : failing > 0 ? `; ${failing} at or above ${failOn} (exit 1).` : `; none at or above ${failOn}.`;
  return line;
}

export function formatHuman(results: CheckResult[], opts: HumanOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [];
  for (const r of results) {
    out.push(paint(r.source, 'bold'));
    if (r.outcome === 'skipped') {
      if (r.roleName || r.roleArn) out.push(`  role ${r.roleArn ?? r.roleName}`);
      out.push(`  ${paint('skipped:', 'yellow')} ${r.reason}`);
      for (const n of r.notes) out.push(`  ${paint('note:', 'dim')} ${n}`);
      out.push('');
      continue;
    }
    const who = roleLine(r);
    if (who) out.push(`  ${who}`);
    for (const n of r.notes) out.push(`  ${paint('note:', 'dim')} ${n}`);
    if (r.findings.length === 0) out.push(`  ${paint('✓ no findings', 'green')}`);
    // Most severe first; the engine's order (rule registry order) breaks ties.
    const ordered = r.findings.map((f, i) => ({ f, i })).sort((a, b) => SEVERITIES.indexOf(a.f.severity) - SEVERITIES.indexOf(b.f.severity) || a.i - b.i);
    for (const { f } of ordered) {
      const sev = paint(f.severity.toUpperCase().padEnd(8), ...SEVERITY_STYLE[f.severity]);
      const fix = f.fixable ? paint(' [fixable]', 'green') : '';
      out.push(`  ${sev} ${paint(f.ruleId, 'bold')} · ${describeLocation(f, r.originalPolicy)}${fix}`);
      out.push(`           ${f.message}`);
    }
    if (r.fixedPolicy && r.originalPolicy) {
      out.push(`  Fixed policy${r.fixedRuleIds.length > 0 ? ` (${r.fixedRuleIds.join(', ')})` : ''}:`);
      for (const line of policyDiff(r.originalPolicy, r.fixedPolicy, r.source, paint)) out.push(`    ${line}`);
    }
    if (r.fixRejected) out.push(`  ${paint('Fix not applied:', 'yellow')} ${r.fixRejected}`);
    out.push('');
  }
  out.push(paint(summaryLine(results, opts.failOn), 'bold'));
  return `${out.join('\n')}\n`;
}
