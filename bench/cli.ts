/**
 * CLI start-up benchmark: a CloudFormation template with 1,000 AWS::IAM::Role resources of the
 * shapes EKS users write (Fargate, Pod Identity, node, IRSA as a !Sub JSON string, cross-account
 * target roles, a few broken ones), checked by `node bin/eks-trust-guard.js check --json` as a
 * child process, N times. Target: under 1,500 ms wall time per run, Node start-up included.
 *
 * Run: node scripts/run-ts.js bench/cli.ts [--roles N] [--runs N] [--format yaml|json]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLI_TARGET_MS = 1500;
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'eks-trust-guard.js');

export interface CliBenchOptions {
  roles?: number;
  runs?: number;
  format?: 'yaml' | 'json';
}

export interface CliBenchResult {
  roles: number;
  runs: number;
  format: 'yaml' | 'json';
  templateBytes: number;
  timesMs: number[];
  medianMs: number;
  maxMs: number;
  targetMs: number;
  /**
   * CPU time (user + system) of each child, from /proc on Linux (null elsewhere): unlike wall
   * time it hardly moves when other processes load the machine.
   */
  cpuMs: number[] | null;
  /** Exit status of the runs (1: the template has findings by design). */
  exitCode: number | null;
  findings: number;
}

const OIDC = (i: number) => `oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE${String(i).padStart(8, '0')}D539D4633E53DE1B71`;

/** One role resource in YAML, cycling through realistic shapes (every 10th of each shape is broken). */
function yamlRole(i: number): string {
  const broken = Math.floor(i / 6) % 10 === 9; // every 10th role of each shape
  switch (i % 6) {
    case 0:
      return `  FargateRole${i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub \${ClusterName}-fargate-${i}
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: eks-fargate-pods.amazonaws.com
            Action: sts:AssumeRole${
              broken
                ? ''
                : `
            Condition:
              ArnLike:
                aws:SourceArn: !Sub arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:fargateprofile/\${ClusterName}/*`
            }
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy
`;
    case 1:
      return `  PodIdentityRole${i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app-${i}-pod-identity
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: AllowEksAuthToAssumeRoleForPodIdentity
            Effect: Allow
            Principal:
              Service: pods.eks.amazonaws.com
            Action: ${broken ? 'sts:AssumeRole' : '[sts:AssumeRole, sts:TagSession]'}
            Condition:
              StringEquals:
                aws:SourceAccount: !Ref AWS::AccountId
`;
    case 2:
      return `  NodeRole${i}:
    Type: AWS::IAM::Role
    Properties:
      Path: /eks/
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: !Join [".", [ec2, !Ref AWS::URLSuffix]]
            Action: sts:AssumeRole${
              broken
                ? `
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::444455556666:root
            Action: sts:AssumeRole`
                : ''
            }
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
`;
    case 3:
      return `  IrsaRole${i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub \${ClusterName}-irsa-${i}
      AssumeRolePolicyDocument: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${OIDC(i)}" },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { "StringEquals": {
              "${OIDC(i)}:aud": "sts.amazonaws.com",
              "${OIDC(i)}:sub": "system:serviceaccount:team-${i}:${broken ? '*' : `app-${i}`}"
            } }
          }]
        }
`;
    case 4:
      return `  TargetRole${i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: target-${i}
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/app-${i}-pod-identity
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Sub \${AWS::Region}/\${AWS::AccountId}/\${ClusterName}/team-${i}/app-${i}
          - Effect: Allow
            Principal:
              AWS: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/app-${i}-pod-identity
            Action: sts:TagSession
`;
    default:
      return `  ClusterRole${i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ${broken ? '[eks.amazonaws.com, ec2.amazonaws.com]' : 'eks.amazonaws.com'}
            Action: ${broken ? '"*"' : '[sts:AssumeRole, sts:TagSession]'}
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/AmazonEKSClusterPolicy
`;
  }
}

export function generateTemplateYaml(roles: number): string {
  const parts = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Description: eks-trust-guard CLI benchmark',
    'Parameters:',
    '  ClusterName:',
    '    Type: String',
    '    Default: bench-cluster',
    'Resources:',
  ];
  for (let i = 0; i < roles; i++) parts.push(yamlRole(i));
  return `${parts.join('\n')}\n`;
}

/** The same template in JSON (long-form intrinsics), through the CLI's own YAML reading. */
function generateTemplateJson(roles: number): string {
  // Loaded lazily: only the JSON variant needs the YAML library here.
  const yaml = require('js-yaml') as typeof import('js-yaml');
  const { cfnYamlSchema } = require('../lib/cli/cloudformation') as typeof import('../lib/cli/cloudformation');
  return JSON.stringify(yaml.load(generateTemplateYaml(roles), { schema: cfnYamlSchema(yaml) }), null, 2);
}

/** CPU time of waited-for children so far (ms), or null where /proc is missing. */
function childrenCpuMs(): number | null {
  try {
    // Fields after the command name: state is field 3; cutime and cstime are fields 16 and 17.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function runCliBench(opts: CliBenchOptions = {}): CliBenchResult {
  const roles = opts.roles ?? 1000;
  const runs = opts.runs ?? 5;
  const format = opts.format ?? 'yaml';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etg-cli-bench-'));
  try {
    const file = path.join(dir, `template.${format}`);
    fs.writeFileSync(file, format === 'yaml' ? generateTemplateYaml(roles) : generateTemplateJson(roles));
    const args = [BIN, 'check', '--json', '--account', '111122223333', file];
    // One untimed run builds dist/cli.js if it is stale, so the figures measure start-up only.
    spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const timesMs: number[] = [];
    const cpuMs: number[] = [];
    let exitCode: number | null = null;
    let findings = 0;
    for (let r = 0; r < runs; r++) {
      const c0 = childrenCpuMs();
      const t0 = process.hrtime.bigint();
      const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      timesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c1 = childrenCpuMs();
      if (c0 !== null && c1 !== null) cpuMs.push(c1 - c0);
      if (child.error) throw child.error;
      exitCode = child.status;
      if (child.status !== 0 && child.status !== 1) throw new Error(`CLI exited with ${child.status}: ${child.stderr}`);
      const out = JSON.parse(child.stdout) as { results: { findings: unknown[] }[] };
      if (out.results.length !== roles) throw new Error(`expected ${roles} results, got ${out.results.length}`);
      findings = out.results.reduce((n, x) => n + x.findings.length, 0);
    }
    return {
      roles,
      runs,
      format,
      templateBytes: fs.statSync(file).size,
      timesMs: timesMs.map((t) => Math.round(t)),
      medianMs: Math.round(median(timesMs)),
      maxMs: Math.round(Math.max(...timesMs)),
      targetMs: CLI_TARGET_MS,
      cpuMs: cpuMs.length === runs ? cpuMs.map((t) => Math.round(t)) : null,
      exitCode,
      findings,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (path.resolve(process.argv[1] ?? '') === __filename) {
  const result = runCliBench({
    roles: flag('--roles') ? Number(flag('--roles')) : undefined,
    runs: flag('--runs') ? Number(flag('--runs')) : undefined,
    format: flag('--format') === 'json' ? 'json' : undefined,
  });
  const verdict = result.medianMs <= result.targetMs && result.maxMs <= result.targetMs ? 'within target' : 'OVER TARGET';
  console.log(
    `eks-trust-guard check --json: ${result.roles} roles (${result.format}, ${(result.templateBytes / 1024).toFixed(0)} KiB), ${result.runs} runs: ` +
      `median ${result.medianMs} ms, max ${result.maxMs} ms, target ${result.targetMs} ms (${verdict}); runs ${result.timesMs.join(', ')} ms; ` +
      (result.cpuMs ? `CPU ${result.cpuMs.join(', ')} ms; ` : '') +
      `${result.findings} findings, exit ${result.exitCode}`,
  );
  if (verdict !== 'within target') process.exitCode = 1;
}
