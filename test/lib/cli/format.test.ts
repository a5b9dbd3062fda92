import * as path from 'node:path';
import { exitCodeFor } from '../../../lib/cli/check';
import { describeLocation, formatHuman, summaryLine } from '../../../lib/cli/format-human';
import { toJsonResult } from '../../../lib/cli/format-json';
import { artifactUri, toSarif } from '../../../lib/cli/format-sarif';
import type { CheckResult } from '../../../lib/cli/types';
import type { Finding } from '../../../lib/policy/types';

const ORIGINAL = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Pods', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const FIXED = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Pods', Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
};

const finding = (over: Partial<Finding>): Finding => ({ ruleId: 'pod-identity-tag-session', severity: 'high', statement: 0, message: 'add sts:TagSession', fixable: true, ...over });

function result(over: Partial<CheckResult> = {}): CheckResult {
  return {
    source: 'pods.json',
    roleName: null,
    roleArn: null,
    findings: [finding({}), finding({ ruleId: 'policy-version', severity: 'low', statement: null, message: 'no version', fixable: false })],
    fixedPolicy: FIXED,
    account: '111122223333',
    kind: 'trust-policy',
    outcome: 'evaluated',
    notes: [],
    fixedRuleIds: ['pod-identity-tag-session'],
    originalPolicy: ORIGINAL,
    file: 'pods.json',
    ...over,
  };
}

describe('human format', () => {
  it('prints the header, findings most severe first, the fix as a diff, and the summary', () => {
    // Prepare
    const r = result({ findings: [finding({ ruleId: 'policy-version', severity: 'low', statement: null, message: 'no version', fixable: false }), finding({})] });

    // Act
    const text = formatHuman([r], { color: false, failOn: 'low' });
    const lines = text.split('\n');

    // Assess
    expect(lines[0]).toBe('pods.json');
    expect(lines[1]).toBe('  account 111122223333 (the input does not name the role)');
    expect(lines[2]).toBe('  HIGH     pod-identity-tag-session · statement 0 (Sid "Pods") [fixable]');
    expect(lines[3]).toBe('           add sts:TagSession');
    expect(lines[4]).toBe('  LOW      policy-version · document');
    expect(text).toContain('  Fixed policy (pod-identity-tag-session):\n    --- pods.json (original)\n    +++ pods.json (fixed)\n    @@ ');
    expect(text).toContain('    -      "Action": "sts:AssumeRole"\n    +      "Action": [\n    +        "sts:AssumeRole",\n    +        "sts:TagSession"\n    +      ]\n');
    expect(lines.at(-2)).toBe('1 role checked: 2 findings (0 critical, 1 high, 0 medium, 1 low, 0 info), 1 fixable; 2 at or above low (exit 1).');
    expect(text).not.toContain('\x1b[');
  });

  it('names the role, shows notes, a rejected fix and skipped inputs', () => {
    // Prepare
    const evaluated = result({
      roleName: 'app',
      roleArn: 'arn:aws:iam::111122223333:role/app',
      notes: ['the document contains unresolved intrinsic functions: AWS::Region'],
      fixedPolicy: null,
      fixedRuleIds: [],
      fixRejected: 'the fixed trust policy would be 3000 characters',
    });
    const skipped = result({ source: 'rec.json', roleName: 'new-role', findings: [], fixedPolicy: null, outcome: 'skipped', reason: 'not a trust-policy event (AttachRolePolicy)' });

    // Act
    const text = formatHuman([evaluated, skipped], { color: false, failOn: 'critical' });

    // Assess
    expect(text).toContain('  role app (arn:aws:iam::111122223333:role/app)\n  note: the document contains unresolved intrinsic functions: AWS::Region\n');
    expect(text).toContain('  Fix not applied: the fixed trust policy would be 3000 characters\n');
    expect(text).not.toContain('--- pods.json (original)');
    expect(text).toContain('rec.json\n  role new-role\n  skipped: not a trust-policy event (AttachRolePolicy)\n');
    expect(text).toContain('1 role checked, 1 input not evaluated: 2 findings (0 critical, 1 high, 0 medium, 1 low, 0 info), 1 fixable; none at or above critical.');
  });

  it('says "no findings" for a clean role', () => {
    expect(formatHuman([result({ findings: [], fixedPolicy: null })], { color: false, failOn: 'low' })).toContain('  ✓ no findings\n');
  });

  it('colours severities and diff lines when asked', () => {
    // Act
    const text = formatHuman([result()], { color: true, failOn: 'low' });

    // Assess
    expect(text).toContain('\x1b[1m\x1b[31mHIGH');
    expect(text).toContain('\x1b[32m+        "sts:TagSession"\x1b[0m');
  });

  it('describes locations by statement index and Sid', () => {
    expect(describeLocation(finding({ statement: 0 }), ORIGINAL)).toBe('statement 0 (Sid "Pods")');
    expect(describeLocation(finding({ statement: 0 }), { Statement: { Effect: 'Allow' } })).toBe('statement 0');
    expect(describeLocation(finding({ statement: null }), ORIGINAL)).toBe('document');
  });

  it('summarises --fail-on none without an exit claim', () => {
    expect(summaryLine([result()], 'none')).toBe('1 role checked: 2 findings (0 critical, 1 high, 0 medium, 1 low, 0 info), 1 fixable.');
  });
});

describe('exit status', () => {
  it('is 1 only for findings at or above the threshold', () => {
    const results = [result()];
    expect(exitCodeFor(results, 'low')).toBe(1);
    expect(exitCodeFor(results, 'high')).toBe(1);
    expect(exitCodeFor(results, 'critical')).toBe(0);
    expect(exitCodeFor(results, 'none')).toBe(0);
    expect(exitCodeFor([result({ findings: [] })], 'info')).toBe(0);
  });
});

describe('JSON format', () => {
  it('puts the contract fields first and keeps findings to the contract shape', () => {
    // Prepare
    const r = result({ findings: [finding({ subject: 'role' })], logicalId: 'App' });

    // Act
    const json = toJsonResult(r);

    // Assess
    expect(Object.keys(json).slice(0, 5)).toEqual(['source', 'roleName', 'roleArn', 'findings', 'fixedPolicy']);
    expect(json.findings).toEqual([{ ruleId: 'pod-identity-tag-session', severity: 'high', statement: 0, message: 'add sts:TagSession', fixable: true }]);
    expect(json).toEqual(expect.objectContaining({ fixedPolicy: FIXED, outcome: 'evaluated', notes: [], logicalId: 'App', account: '111122223333' }));
  });
});

describe('SARIF format', () => {
  it('maps severities to levels and locates CloudFormation findings by logical id and line', () => {
    // Prepare
    const cfn = result({
      source: 'stack.yaml#AppRole',
      file: 'stack.yaml',
      logicalId: 'AppRole',
      findings: [finding({ severity: 'medium', ruleId: 'irsa-aud-missing' }), finding({ severity: 'info', ruleId: 'target-role-unverified' })],
    });
    const texts = new Map([['stack.yaml', 'Resources:\n  Other:\n    Type: X\n  AppRole:\n    Type: AWS::IAM::Role\n']]);

    // Act
    const sarif = toSarif([cfn], texts) as {
      runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: unknown[] }[] }[] }[];
    };

    // Assess
    const [medium, info] = sarif.runs[0].results;
    expect([medium.level, info.level]).toEqual(['warning', 'note']);
    expect(medium.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'stack.yaml' }, region: { startLine: 4 } });
    expect(medium.locations[0].logicalLocations).toEqual([{ name: 'AppRole', kind: 'resource', fullyQualifiedName: 'Resources.AppRole' }]);
  });

  it('reports skipped inputs and notes as tool notifications, not results', () => {
    // Act
    const sarif = toSarif([result({ findings: [], outcome: 'skipped', reason: 'not a trust-policy event (X)', notes: ['n'] })]) as {
      runs: { results: unknown[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[];
    };

    // Assess
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.message.text)).toEqual([
      'pods.json: skipped: not a trust-policy event (X)',
      'pods.json: n',
    ]);
  });

  it('writes URIs for relative paths, absolute paths and standard input', () => {
    expect(artifactUri(path.join('dir', 'my file.json'))).toBe('dir/my%20file.json');
    expect(artifactUri('/tmp/a.json')).toBe('file:///tmp/a.json');
    expect(artifactUri('<stdin>')).toBe('stdin');
  });
});
