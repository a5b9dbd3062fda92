/**
 * `npm start`: the guardrail end to end against a local AWS API emulator (moto), in well under a
 * minute. It starts moto on a free loopback port, creates example EKS roles through the real SDK,
 * feeds the real iamEvents / podIdentityEvents handlers CloudTrail events for them, and prints
 * what was found, fixed, tagged and notified. moto is stopped at the end.
 */
import type { Context } from 'aws-lambda';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { createTwoFilesPatch } from 'diff';
import { ClientFactory } from '../lib/aws/clients';
import { journalTableDefinition } from '../lib/aws/journal';
import { EXAMPLE_ROLES, type ExampleRole } from './example-roles';
import { startMotoForDemo } from './moto';
import { bold, dim, color as c } from './tty';

const ACCOUNT = '123456789012'; // moto's account

const examples: ExampleRole[] = [
  ...EXAMPLE_ROLES,
  {
    name: 'example-exempt',
    what: 'Pod Identity role tagged eks-trust-guard:exempt=true',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    tags: { 'eks-trust-guard:exempt': 'true' },
  },
];

const context = {
  awsRequestId: 'demo',
  functionName: 'eks-trust-guard-demo-iamEvents',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:eks-trust-guard-demo-iamEvents`,
  memoryLimitInMB: '256',
  logGroupName: 'demo',
  logStreamName: 'demo',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

function cloudTrailEvent(n: number, roleName: string, policy: object) {
  return {
    version: '0',
    id: `demo-${n}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.iam',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      eventID: `demo-event-${n}`,
      eventName: 'CreateRole',
      eventSource: 'iam.amazonaws.com',
      awsRegion: 'us-east-1',
      recipientAccountId: ACCOUNT,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/alice` },
      requestParameters: { roleName, assumeRolePolicyDocument: JSON.stringify(policy) },
      responseElements: null,
    },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(bold('eks-trust-guard demo') + dim(' (local AWS emulator; nothing leaves this machine)'));
  const moto = await startMotoForDemo((line) => console.log(dim(line)));
  console.log(dim(`moto server on ${moto.endpoint}`));
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'demo',
      AWS_SECRET_ACCESS_KEY: 'demo',
      AWS_REGION: 'us-east-1',
      JOURNAL_TABLE: 'eks-trust-guard-demo-journal',
      SELF_ROLE_PREFIX: 'eks-trust-guard-demo-',
      REMEDIATION_MODE: process.env.REMEDIATION_MODE || 'fix',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || 'ERROR',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    });
    const factory = new ClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } });
    const clients = factory.forTarget({ region: 'us-east-1' });
    await clients.dynamodbClient.send(new CreateTableCommand({ TableName: 'eks-trust-guard-demo-journal', ...journalTableDefinition }));
    process.env.NOTIFY_TOPIC_ARN = (await clients.sns.send(new CreateTopicCommand({ Name: 'eks-trust-guard-demo-findings' }))).TopicArn;

    // Loaded after the environment is set: the handlers read their configuration on first use.
    const { handler } = await import('../functions/iamEvents');
    console.log(`mode: ${bold(process.env.REMEDIATION_MODE!)}   journal: DynamoDB   notifications: SNS\n`);

    let n = 0;
    for (const ex of examples) {
      n++;
      await clients.iam.send(
        new CreateRoleCommand({ RoleName: ex.name, AssumeRolePolicyDocument: JSON.stringify(ex.policy), Tags: Object.entries(ex.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) }),
      );
      const result = (await handler(cloudTrailEvent(n, ex.name, ex.policy), context)) as { outcome?: string; reason?: string };
      const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: ex.name }));
      const after = JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!));
      const tags = Object.fromEntries((Role!.Tags ?? []).map((t) => [t.Key!, t.Value!]));
      console.log(`${bold(ex.name)}  ${dim(ex.what)}`);
      console.log(`  outcome: ${bold(result.outcome ?? '?')}${result.reason ? dim(`  (${result.reason})`) : ''}`);
      const before = JSON.stringify(ex.policy, null, 2);
      const now = JSON.stringify(after, null, 2);
      if (before !== now) {
        const patch = createTwoFilesPatch('before', 'after', before + '\n', now + '\n', '', '', { context: 2 }).split('\n').slice(2);
        for (const line of patch) if (line) console.log('    ' + (line.startsWith('+') ? c('32', line) : line.startsWith('-') ? c('31', line) : dim(line)));
      }
      const ours = Object.entries(tags).filter(([k]) => k.startsWith('eks-trust-guard:') && k !== 'eks-trust-guard:checked-at');
      if (ours.length) console.log(`  tags: ${ours.map(([k, v]) => `${k}=${v || '""'}`).join('  ')}`);
      console.log('');
    }

    const published = await moto.snsMessages();
    console.log(bold(`SNS notifications published: ${published.length}`));
    for (const m of published) {
      const body = JSON.parse(m.message);
      console.log(`  ${m.subject}`);
      for (const f of body.findings) console.log(dim(`     ${f.severity.padEnd(8)} ${f.ruleId}${f.fixed ? ' (fixed)' : ''}`));
    }
    console.log(dim(`\nCompliant roles produce no notification. Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`));
    factory.destroy();
  } finally {
    await moto.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
