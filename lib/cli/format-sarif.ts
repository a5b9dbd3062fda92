/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning UIs. Rules come from the registry; findings
 * point at the file (and, for CloudFormation, the role's logical id and its line).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import { RULES } from '../rules';
import type { Severity } from '../policy/types';
import { STDIN_LABEL } from './inputs';
import type { CheckResult } from './types';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub code scanning reads `security-severity` (0.1–3.9 low … 9.0+ critical). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export function artifactUri(file: string): string {
  if (file === STDIN_LABEL) return 'stdin';
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return encodeURI(file.split(path.sep).join('/'));
}

/** 1-based line of a template resource's key, or of the first line. */
function lineOf(text: string | undefined, logicalId: string | undefined): number {
  if (!text || !logicalId) return 1;
  const escaped = logicalId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*["']?${escaped}["']?\\s*:`);
  const lines = text.split('\n');
  const i = lines.findIndex((l) => re.test(l));
  return i >= 0 ? i + 1 : 1;
}

function location(r: CheckResult, texts: Map<string, string>) {
  const logical = r.logicalId ?? (r.source.includes('#') ? r.source.slice(r.source.indexOf('#') + 1) : undefined);
  const loc: Record<string, unknown> = {
    physicalLocation: { artifactLocation: { uri: artifactUri(r.file) }, region: { startLine: lineOf(texts.get(r.file), r.logicalId) } },
  };
  if (logical) loc.logicalLocations = [{ name: logical, kind: 'resource', ...(r.logicalId ? { fullyQualifiedName: `Resources.${r.logicalId}` } : {}) }];
  return loc;
}

export function toSarif(results: CheckResult[], texts: Map<string, string> = new Map()): Record<string, unknown> {
  const ruleIndex = new Map(RULES.map((rule, i) => [rule.id, i]));
  const sarifResults = results.flatMap((r) =>
    r.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [location(r, texts)],
      properties: {
        severity: f.severity,
        statement: f.statement,
        fixable: f.fixable,
        roleName: r.roleName,
        roleArn: r.roleArn,
        source: r.source,
      },
    })),
  );
  const notifications = results.flatMap((r) => [
    ...(r.outcome === 'skipped' ? [{ level: 'note', message: { text: `${r.source}: skipped: ${r.reason}` }, locations: [location(r, texts)] }] : []),
    ...r.notes.map((n) => ({ level: 'note', message: { text: `${r.source}: ${n}` }, locations: [location(r, texts)] })),
  ]);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eks-trust-guard',
            version,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.summary },
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
              properties: { tags: ['security'], severity: rule.severity, 'security-severity': SECURITY_SEVERITY[rule.severity] },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: sarifResults,
      },
    ],
  };
}

export function formatSarif(results: CheckResult[], texts?: Map<string, string>): string {
  return `${JSON.stringify(toSarif(results, texts), null, 2)}\n`;
}
