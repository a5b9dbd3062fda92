/**
 * End to end: the real `node bin/eks-trust-guard.js` as a child process. Expected values come from
 * spec/CONTRACTS.md (exit codes, --json shape), spec/RULES.md (rule ids and severities) and the
 * fixtures' provenance notes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../lib/rules';
import { CLOUDTRAIL_FIXTURES, ensureBuilt, ROOT, runCli, runJson, tempDir } from './run-cli';

const ACCOUNT = '111122223333';

const fixture = (name: string) => path.join(CLOUDTRAIL_FIXTURES, name);
const readFixture = (name: string) => JSON.parse(fs.readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;

const POD_IDENTITY_NO_TAG_SESSION = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowEksAuthToAssumeRoleForPodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ],
};

const NODE_ROLE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

let tmp: ReturnType<typeof tempDir>;

beforeAll(() => {
  ensureBuilt();
  tmp = tempDir();
});

afterAll(() => tmp.cleanup());

describe('exit status and usage', () => {
  it('exits 0 for a compliant policy', () => {
    // Prepare
    const file = tmp.write('node-role.json', JSON.stringify(NODE_ROLE));

    // Act
    const r = runCli(['check', '--account', ACCOUNT, file]);

    // Assess
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no findings');
  });

  it('exits 1 for a finding at or above --fail-on, 0 when the threshold is above it', () => {
    // Prepare: pod-identity-tag-session is high
    const file = tmp.write('pod-identity.json', JSON.stringify(POD_IDENTITY_NO_TAG_SESSION));

    // Act
    const atHigh = runCli(['check', '--account', ACCOUNT, '--fail-on', 'high', file]);
    const atCritical = runCli(['check', '--account', ACCOUNT, '--fail-on=critical', file]);
    const never = runCli(['check', '--account', ACCOUNT, '--fail-on', 'none', file]);

    // Assess
    expect(atHigh.status).toBe(1);
    expect(atCritical.status).toBe(0);
    expect(never.status).toBe(0);
  });

  it.each([
    [['check', '--frobnicate', 'x.json'], /unknown option --frobnicate/],
    [['check', '--fail-on', 'severe', 'x.json'], /--fail-on: "severe"/],
    [['check', '--account', '12345', 'x.json'], /--account: "12345" is not a 12-digit/],
    [['check', '--trusted-accounts', '111122223333,abc', 'x.json'], /--trusted-accounts: "abc"/],
    [['check'], /no FILE given/],
    [['lint', 'x.json'], /unknown command "lint"/],
  ])('exits 2 with a message on stderr for bad usage %j', (args, message) => {
    // Act
    const r = runCli(args);

    // Assess
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming every file that cannot be read', () => {
    // Act
    const r = runCli(['check', path.join(tmp.dir, 'missing-1.json'), path.join(tmp.dir, 'missing-2.json')]);

    // Assess
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('missing-1.json: no such file');
    expect(r.stderr).toContain('missing-2.json: no such file');
    expect(r.stdout).toBe('');
  });

  it('prints help and the version with exit 0', () => {
    // Act
    const help = runCli(['--help']);
    const version = runCli(['--version']);

    // Assess
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: eks-trust-guard check');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});

describe('files that do not parse', () => {
  it('reports broken JSON as a policy-invalid finding and exits 1', () => {
    // Prepare
    const file = tmp.write('broken.json', '{"Version": "2012-10-17", "Statement": [');

    // Act
    const { status, results } = runJson([file]);

    // Assess
    expect(status).toBe(1);
    expect(results).toHaveLength(1);
    expect(results[0].source).toBe(file);
    expect(results[0].findings).toEqual([expect.objectContaining({ ruleId: 'policy-invalid', severity: 'critical', statement: null, fixable: false })]);
    expect(results[0].findings[0].message).toMatch(/not valid JSON/);
    expect(results[0].fixedPolicy).toBeNull();
  });

  it('reports broken YAML as a policy-invalid finding and exits 1', () => {
    // Prepare
    const file = tmp.write('broken.yaml', 'Resources:\n  Role: [unclosed\n');

    // Act
    const { status, results } = runJson([file]);

    // Assess
    expect(status).toBe(1);
    expect(results[0].findings.map((f) => f.ruleId)).toEqual(['policy-invalid']);
    expect(results[0].findings[0].message).toMatch(/not valid JSON or YAML/);
  });

  it('keeps checking the other files when one does not parse', () => {
    // Prepare
    const broken = tmp.write('broken-2.json', '{');
    const good = tmp.write('good-2.json', JSON.stringify(NODE_ROLE));

    // Act
    const { status, results } = runJson(['--account', ACCOUNT, broken, good]);

    // Assess
    expect(status).toBe(1);
    expect(results.map((r) => r.source)).toEqual([broken, good]);
    expect(results[1].findings).toEqual([]);
  });
});

describe('standard input', () => {
  it('reads a policy from "-"', () => {
    // Act
    const { status, results } = runJson(['--account', ACCOUNT, '-'], { input: JSON.stringify(POD_IDENTITY_NO_TAG_SESSION) });

    // Assess
    expect(status).toBe(1);
    expect(results[0].source).toBe('<stdin>');
    expect(results[0].findings.map((f) => f.ruleId)).toContain('pod-identity-tag-session');
  });

  it('reads a URL-encoded policy, as IAM returns it', () => {
    // Act
    const { status, results } = runJson(['--account', ACCOUNT, '-'], { input: encodeURIComponent(JSON.stringify(NODE_ROLE)) });

    // Assess
    expect(status).toBe(0);
    expect(results[0].kind).toBe('trust-policy');
    expect(results[0].findings).toEqual([]);
  });
});

describe('--json', () => {
  it('prints the contract fields with fixedPolicy null when nothing is fixable', () => {
    // Prepare
    const fixable = tmp.write('fixable.json', JSON.stringify(POD_IDENTITY_NO_TAG_SESSION));
    const clean = tmp.write('clean.json', JSON.stringify(NODE_ROLE));

    // Act
    const r = runCli(['check', '--json', '--account', ACCOUNT, fixable, clean]);
    const out = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };

    // Assess
    expect(Object.keys(out)).toEqual(['results']);
    for (const res of out.results) {
      expect(Object.keys(res).slice(0, 5)).toEqual(['source', 'roleName', 'roleArn', 'findings', 'fixedPolicy']);
      expect(res).toEqual(expect.objectContaining({ source: expect.any(String), roleName: null, roleArn: null, findings: expect.any(Array) }));
    }
    const first = out.results[0] as { findings: Record<string, unknown>[]; fixedPolicy: { Statement: { Action: string[] }[] } };
    const tagSession = first.findings.find((f) => f.ruleId === 'pod-identity-tag-session');
    expect(tagSession).toEqual({ ruleId: 'pod-identity-tag-session', severity: 'high', statement: 0, message: expect.any(String), fixable: true });
    expect(first.fixedPolicy.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(out.results[1].findings).toEqual([]);
    expect(out.results[1].fixedPolicy).toBeNull();
  });
});

describe('--format sarif', () => {
  it('prints SARIF 2.1.0 with the rule registry and located results', () => {
    // Prepare
    const file = tmp.write('sarif/template.yaml', [
      'Resources:',
      '  AppRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: { Service: pods.eks.amazonaws.com }',
      '            Action: sts:AssumeRole',
      '            Condition: { StringEquals: { aws:SourceAccount: !Ref AWS::AccountId } }',
    ].join('\n'));

    // Act
    const r = runCli(['check', '--format', 'sarif', '--account', ACCOUNT, path.relative(ROOT, file)]);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
        results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { name: string }[] }[] }[];
      }[];
    };

    // Assess
    expect(r.status).toBe(1);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('eks-trust-guard');
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(run.tool.driver.rules.map((x) => x.shortDescription.text)).toEqual(RULES.map((x) => x.summary));
    const levelOf = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
    expect(run.tool.driver.rules.map((x) => x.defaultConfiguration.level)).toEqual(RULES.map((x) => levelOf[x.severity]));
    const result = run.results.find((x) => x.ruleId === 'pod-identity-tag-session');
    expect(result).toBeDefined();
    expect(result?.level).toBe('error');
    expect(result?.locations[0].physicalLocation.artifactLocation.uri).toBe(path.relative(ROOT, file).split(path.sep).join('/'));
    expect(result?.locations[0].physicalLocation.region.startLine).toBe(2);
    expect(result?.locations[0].logicalLocations[0].name).toBe('AppRole');
  });

  it('rejects --json together with --format sarif', () => {
    // Act
    const r = runCli(['check', '--json', '--format', 'sarif', 'x.json']);

    // Assess
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--json conflicts with --format sarif/);
  });
});

describe('human output', () => {
  it('shows each finding with severity, location and rule, the fix as a unified diff, and a summary', () => {
    // Prepare
    const file = tmp.write('human.json', JSON.stringify(POD_IDENTITY_NO_TAG_SESSION, null, 2));

    // Act
    const r = runCli(['check', '--account', ACCOUNT, file]);

    // Assess
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(file);
    expect(r.stdout).toMatch(/HIGH\s+pod-identity-tag-session · statement 0 \(Sid "AllowEksAuthToAssumeRoleForPodIdentity"\) \[fixable\]/);
    expect(r.stdout).toContain(`--- ${file} (original)`);
    expect(r.stdout).toContain(`+++ ${file} (fixed)`);
    expect(r.stdout).toMatch(/^\s+-\s+"Action": "sts:AssumeRole",$/m);
    expect(r.stdout).toMatch(/^\s+\+\s+"sts:TagSession"$/m);
    expect(r.stdout).toMatch(/1 role checked: \d+ findings? \(\d+ critical, [1-9]\d* high, \d+ medium, \d+ low, \d+ info\)/);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('colours only when asked and NO_COLOR is unset', () => {
    // Prepare
    const file = tmp.write('colour.json', JSON.stringify(POD_IDENTITY_NO_TAG_SESSION));

    // Act
    const forced = runCli(['check', '--account', ACCOUNT, file], { env: { FORCE_COLOR: '1' } });
    const vetoed = runCli(['check', '--account', ACCOUNT, file], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });

    // Assess
    expect(forced.stdout).toContain('\x1b[');
    expect(vetoed.stdout).not.toContain('\x1b[');
  });
});

describe('every CloudTrail fixture', () => {
  it.each([
    ['panther_AttachRolePolicy_1.json', 'not a trust-policy event (AttachRolePolicy)'],
    ['panther_AttachRolePolicy_2.json', 'not a trust-policy event (AttachRolePolicy)'],
    ['panther_AttachRolePolicy_3.json', 'not a trust-policy event (AttachRolePolicy)'],
    ['panther_AttachRolePolicy_4.json', 'not a trust-policy event (AttachRolePolicy)'],
  ])('%s is skipped: %s, exit 0', (name, reason) => {
    // Act
    const { status, results } = runJson([fixture(name)]);

    // Assess
    expect(status).toBe(0);
    expect(results).toEqual([expect.objectContaining({ source: fixture(name), outcome: 'skipped', reason, findings: [], fixedPolicy: null })]);
  });

  it('panther_CreateRole_1 (no document, responseElements null) is skipped with "no trust policy document in the record", exit 0', () => {
    // Act
    const { status, results } = runJson([fixture('panther_CreateRole_1.json')]);
    const human = runCli(['check', fixture('panther_CreateRole_1.json')]);

    // Assess
    expect(status).toBe(0);
    expect(results[0]).toEqual(
      expect.objectContaining({ outcome: 'skipped', roleName: 'new-role', roleArn: 'arn:aws:iam::123456789012:role/new-role', findings: [], fixedPolicy: null }),
    );
    expect(results[0].reason).toMatch(/^no trust policy document in the record/);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('skipped: no trust policy document in the record');
  });

  it('panther_UpdateAssumeRolePolicy_1 (Principal "*" with only sts:ExternalId) is public-principal, exit 1', () => {
    // Act
    const { status, results } = runJson([fixture('panther_UpdateAssumeRolePolicy_1.json')]);

    // Assess
    expect(status).toBe(1);
    expect(results[0]).toEqual(expect.objectContaining({ outcome: 'evaluated', kind: 'cloudtrail', roleName: null, roleArn: null, account: '123456789012' }));
    expect(results[0].findings).toContainEqual(expect.objectContaining({ ruleId: 'public-principal', severity: 'critical', statement: 0 }));
    expect(results[0].notes.join(' ')).toMatch(/does not name the role/);
  });

  it('panther_UpdateAssumeRolePolicy_2 (benign ec2 trust) has no finding, exit 0', () => {
    // Act
    const { status, results } = runJson([fixture('panther_UpdateAssumeRolePolicy_2.json')]);

    // Assess
    expect(status).toBe(0);
    expect(results[0]).toEqual(expect.objectContaining({ outcome: 'evaluated', account: '123456789012', findings: [], fixedPolicy: null }));
  });

  it('panther_UpdateAssumeRolePolicy_3 (requestParameters {}) is skipped with "no trust policy document in the record", exit 0', () => {
    // Act
    const { status, results } = runJson([fixture('panther_UpdateAssumeRolePolicy_3.json')]);

    // Assess
    expect(status).toBe(0);
    expect(results[0]).toEqual(expect.objectContaining({ outcome: 'skipped', findings: [] }));
    expect(results[0].reason).toMatch(/^no trust policy document in the record/);
  });

  it('techant_CreateRole_1 (console, arrays, URL-encoded response) names the role and has no finding, exit 0', () => {
    // Act
    const { status, results } = runJson([fixture('techant_CreateRole_1.json')]);

    // Assess
    expect(status).toBe(0);
    expect(results[0]).toEqual(
      expect.objectContaining({ outcome: 'evaluated', roleName: 'TestRole', roleArn: 'arn:aws:iam::111122223333:role/TestRole', account: '111122223333', findings: [] }),
    );
  });

  it('covers every file in the fixtures folder in one run', () => {
    // Prepare
    const files = fs.readdirSync(CLOUDTRAIL_FIXTURES).filter((f) => f.endsWith('.json'));

    // Act
    const { status, results } = runJson([CLOUDTRAIL_FIXTURES]);

    // Assess: the one finding is the backdoor record's
    expect(results.map((r) => path.basename(r.source)).sort()).toEqual(files.sort());
    expect(status).toBe(1);
    expect(results.filter((r) => r.findings.length > 0).map((r) => path.basename(r.source))).toEqual(['panther_UpdateAssumeRolePolicy_1.json']);
  });

  it('reads a record inside an EventBridge envelope from standard input', () => {
    // Prepare
    const envelope = { version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: readFixture('panther_UpdateAssumeRolePolicy_1.json') };

    // Act
    const { status, results } = runJson(['-'], { input: JSON.stringify(envelope) });

    // Assess
    expect(status).toBe(1);
    expect(results[0].findings).toContainEqual(expect.objectContaining({ ruleId: 'public-principal' }));
  });

  it('does not evaluate a failed call', () => {
    // Prepare
    const failed = { ...readFixture('techant_CreateRole_1.json'), errorCode: 'EntityAlreadyExists', responseElements: null };

    // Act
    const { status, results } = runJson(['-'], { input: JSON.stringify(failed) });

    // Assess
    expect(status).toBe(0);
    expect(results[0]).toEqual(expect.objectContaining({ outcome: 'skipped', reason: 'the API call failed (EntityAlreadyExists), not evaluated', findings: [] }));
  });

  it('lets --account replace the account of the role named in the record', () => {
    // Act
    const { results } = runJson(['--account', '444455556666', fixture('techant_CreateRole_1.json')]);

    // Assess
    expect(results[0].roleArn).toBe('arn:aws:iam::111122223333:role/TestRole');
    expect(results[0].account).toBe('444455556666');
    expect(results[0].notes.join(' ')).toMatch(/444455556666 from --account replaces the record's account 111122223333/);
  });
});

describe('--trusted-accounts', () => {
  const BACKDOOR = path.join(ROOT, 'examples', 'noncompliant', 'backdoor-foreign-account.json');

  it('accepts a listed foreign account as a principal', () => {
    // Act
    const { results } = runJson(['--account', ACCOUNT, '--trusted-accounts', '444455556666', BACKDOOR]);

    // Assess
    expect(results[0].findings.map((f) => f.ruleId)).not.toContain('untrusted-account');
  });

  it('makes untrusted-account fixable once configured, removing the foreign principal', () => {
    // Act: configured, with nobody foreign trusted
    const { results } = runJson(['--account', ACCOUNT, '--trusted-accounts', '', BACKDOOR]);

    // Assess (spec: remove those principals, drop a statement left with none)
    expect(results[0].findings).toContainEqual(expect.objectContaining({ ruleId: 'untrusted-account', severity: 'critical', statement: 1, fixable: true }));
    expect(results[0].fixedPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });
});

describe('CloudFormation templates', () => {
  const JSON_TEMPLATE = {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { ClusterName: { Type: 'String', Default: 'prod' }, OidcArn: { Type: 'String' } },
    Resources: {
      FargateRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Join': ['-', [{ Ref: 'ClusterName' }, 'fargate']] },
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:eks:us-east-1:${AWS::AccountId}:fargateprofile/${ClusterName}/*' } } },
              },
            ],
          },
        },
      },
      ImportedTrust: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: { Ref: 'OidcArn' } }, Action: 'sts:AssumeRoleWithWebIdentity' }],
          },
        },
      },
      Bucket: { Type: 'AWS::S3::Bucket' },
    },
  };

  it('evaluates every AWS::IAM::Role of a JSON template with intrinsics resolved', () => {
    // Prepare
    const file = tmp.write('template.json', JSON.stringify(JSON_TEMPLATE, null, 2));

    // Act
    const { results } = runJson(['--account', ACCOUNT, file]);

    // Assess
    expect(results.map((r) => r.source)).toEqual([`${file}#FargateRole`, `${file}#ImportedTrust`]);
    const [fargate, imported] = results;
    expect(fargate).toEqual(expect.objectContaining({ roleName: 'prod-fargate', roleArn: `arn:aws:iam::${ACCOUNT}:role/prod-fargate`, logicalId: 'FargateRole' }));
    // The resolved SourceArn is the documented, correct one: no fargate-source-arn finding.
    expect(fargate.findings.map((f) => f.ruleId)).not.toContain('fargate-source-arn');
    expect(fargate.notes).toEqual([]);
    expect(imported).toEqual(expect.objectContaining({ roleName: 'ImportedTrust', roleArn: null, account: ACCOUNT }));
    expect(imported.notes.join(' ')).toMatch(/unresolved intrinsic functions: Ref OidcArn/);
  });

  it('reads short-form YAML tags, without AWSTemplateFormatVersion, and notes what stays unresolved', () => {
    // Prepare
    const file = tmp.write('template.yaml', [
      'Parameters:',
      '  Cluster: { Type: String, Default: blue }',
      'Resources:',
      '  PodRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      RoleName: !Sub ${Cluster}-pods',
      '      AssumeRolePolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Sid: Pods',
      '            Effect: Allow',
      '            Principal:',
      '              Service: !Join [".", [pods, eks, !Ref AWS::URLSuffix]]',
      '            Action: sts:AssumeRole',
      '            Condition:',
      '              StringEquals:',
      '                aws:SourceAccount: !Ref AWS::AccountId',
      '  TargetRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal:',
      '              AWS: !GetAtt PodRole.Arn',
      '            Action: [sts:AssumeRole, sts:TagSession]',
    ].join('\n'));

    // Act
    const { status, results } = runJson(['--account', ACCOUNT, file]);

    // Assess
    expect(status).toBe(1);
    const [pod, target] = results;
    expect(pod).toEqual(expect.objectContaining({ source: `${file}#PodRole`, roleName: 'blue-pods', roleArn: `arn:aws:iam::${ACCOUNT}:role/blue-pods` }));
    expect(pod.findings).toContainEqual(expect.objectContaining({ ruleId: 'pod-identity-tag-session', statement: 0, fixable: true }));
    expect(pod.fixedPolicy).toEqual(
      expect.objectContaining({ Statement: [expect.objectContaining({ Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } })] }),
    );
    expect(target.roleName).toBe('TargetRole');
    expect(target.notes.join(' ')).toMatch(/unresolved intrinsic functions: Fn::GetAtt PodRole\.Arn/);

    const human = runCli(['check', '--account', ACCOUNT, file]);
    expect(human.stdout).toContain(`${file}#TargetRole`);
    expect(human.stdout).toMatch(/note: the document contains unresolved intrinsic functions: Fn::GetAtt PodRole\.Arn/);
  });

  it('says when a template has no role', () => {
    // Prepare
    const file = tmp.write('bucket.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n');

    // Act
    const { status, results } = runJson([file]);

    // Assess
    expect(status).toBe(0);
    expect(results).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'no AWS::IAM::Role resources in the template' })]);
  });
});

describe('examples/', () => {
  it('has compliant examples without findings and broken ones with the rule their name promises', () => {
    // Act
    const { results } = runJson(['--account', ACCOUNT, '--fail-on', 'none', 'examples']);
    const byFile = (name: string) => results.filter((r) => r.source.includes(name));
    const rules = (name: string) => byFile(name).flatMap((r) => r.findings.map((f) => f.ruleId));

    // Assess
    for (const r of results.filter((x) => x.source.startsWith('examples/compliant/'))) expect({ source: r.source, findings: r.findings }).toEqual({ source: r.source, findings: [] });
    expect(rules('fargate-without-source-arn')).toContain('fargate-source-arn');
    expect(rules('pod-identity-without-tag-session')).toContain('pod-identity-tag-session');
    expect(rules('irsa-without-sub')).toContain('irsa-sub-missing');
    expect(rules('irsa-wildcard-sub')).toContain('irsa-sub-wildcard');
    expect(rules('backdoor-foreign-account')).toContain('untrusted-account');
    expect(rules('public-principal')).toContain('public-principal');
    expect(rules('wildcard-action')).toContain('wildcard-action');
    expect(byFile('eks-roles.yaml').length).toBeGreaterThan(1);
    expect(rules('eks-roles.yaml#PodIdentityRole')).toContain('pod-identity-tag-session');
    expect(rules('update-assume-role-policy-event')).toContain('untrusted-account');
  });

  it('npm run examples exits 0 and shows findings and diffs', () => {
    // Act
    const r = runCli(['check', '--account', ACCOUNT, '--fail-on', 'none', 'examples']);

    // Assess
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\s+\+\+\+ .* \(fixed\)$/m);
    expect(r.stdout).toMatch(/roles checked: \d+ findings/);
  });
});
