/**
 * Meta-test: every adapter declares exactly the IAM actions its methods call (the least-privilege
 * grants of serverless.yml are derived from these lists). Each method is run against a mocked
 * client; the commands it sends are turned into IAM action names and compared.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient, ListClustersCommand, ListFargateProfilesCommand } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ADAPTER_ACTIONS } from '../../../lib/aws';
import { EksAdapter, EksInventory } from '../../../lib/aws/eks';
import { EvaluationEventPublisher } from '../../../lib/aws/events';
import { IamAdapter, IamInventory } from '../../../lib/aws/iam';
import { Journal } from '../../../lib/aws/journal';
import { FunctionInvoker } from '../../../lib/aws/lambda';
import { NotificationPublisher } from '../../../lib/aws/sns';

/** The document client's commands are named after the item API, not the DynamoDB actions. */
const DOCUMENT_COMMANDS: Record<string, string> = { Put: 'PutItem', Get: 'GetItem', Update: 'UpdateItem', Delete: 'DeleteItem' };

/** A transaction is authorised per item action (Put -> PutItem, Update -> UpdateItem, ...). */
function transactionActions(command: { input?: { TransactItems?: Record<string, unknown>[] } }): string[] {
  return (command.input?.TransactItems ?? []).flatMap((item) => Object.keys(item).map((k) => DOCUMENT_COMMANDS[k] ?? `${k}Item`));
}

function actionsSent(prefix: string, mock: { calls(): Array<{ args: unknown[] }> }): string[] {
  const names = mock.calls().flatMap((c) => {
    const command = c.args[0] as { input?: { TransactItems?: Record<string, unknown>[] } };
    const name = command.constructor.name.replace(/Command$/, '');
    return name === 'TransactWrite' || name === 'TransactWriteItems' ? transactionActions(command) : [DOCUMENT_COMMANDS[name] ?? name];
  });
  return [...new Set(names.map((n) => `${prefix}:${n}`))].sort();
}

const iamMock = mockClient(IAMClient);
const eksMock = mockClient(EKSClient);
const snsMock = mockClient(SNSClient);
const docMock = mockClient(DynamoDBDocumentClient);
const ebMock = mockClient(EventBridgeClient);

afterEach(() => {
  for (const m of [iamMock, eksMock, snsMock, docMock, ebMock]) m.reset();
});

describe('declared IAM actions', () => {
  it('IamAdapter calls exactly IamAdapter.actions', async () => {
    // Prepare
    iamMock.onAnyCommand().resolves({});
    const a = new IamAdapter(new IAMClient({ region: 'us-east-1' }));

    // Act
    await a.getRole('r');
    await a.updateTrustPolicy('r', {});
    await a.tagRole('r', { k: 'v' });
    await a.listAttachedPolicyArns('r');

    // Assess
    expect(actionsSent('iam', iamMock)).toEqual([...IamAdapter.actions].sort());
  });

  it('IamInventory calls exactly IamInventory.actions', async () => {
    iamMock.onAnyCommand().resolves({});
    const a = new IamInventory(new IAMClient({ region: 'us-east-1' }));
    await a.getRole('r');
    await a.updateTrustPolicy('r', {});
    await a.tagRole('r', { k: 'v' });
    await a.listAttachedPolicyArns('r');
    await a.listRolesPage();
    await a.roleDetailsPage();
    expect(actionsSent('iam', iamMock)).toEqual([...IamInventory.actions].sort());
  });

  it('EksAdapter calls exactly EksAdapter.actions', async () => {
    // Prepare
    eksMock.onAnyCommand().resolves({});
    eksMock.on(ListClustersCommand).resolves({ clusters: ['c'] });
    eksMock.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: ['p'] });
    const a = new EksAdapter(new EKSClient({ region: 'us-east-1' }));

    // Act
    await a.describePodIdentityAssociation('c', 'a-1');
    await a.fargateProfileArnsForRole('arn:aws:iam::111122223333:role/r');
    await a.tagResource('arn:aws:eks:us-east-1:111122223333:cluster/c', { k: 'v' });
    await a.describeFargateProfile('c', 'p');

    // Assess
    expect(actionsSent('eks', eksMock)).toEqual([...EksAdapter.actions].sort());
  });

  it('EksInventory calls exactly EksInventory.actions', async () => {
    eksMock.onAnyCommand().resolves({});
    eksMock.on(ListClustersCommand).resolves({ clusters: ['c'] });
    eksMock.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: ['p'] });
    const a = new EksInventory(new EKSClient({ region: 'us-east-1' }));
    await a.describePodIdentityAssociation('c', 'a-1');
    await a.listPodIdentityAssociations('c');
    await a.fargateProfileArnsForRole('arn:aws:iam::111122223333:role/r');
    await a.tagResource('arn:aws:eks:us-east-1:111122223333:cluster/c', { k: 'v' });
    await a.listNodegroups('c');
    await a.nodegroupRoleArn('c', 'ng');
    await a.describeFargateProfile('c', 'p');
    expect(actionsSent('eks', eksMock)).toEqual([...EksInventory.actions].sort());
  });

  it('NotificationPublisher, Journal and EvaluationEventPublisher call exactly their actions', async () => {
    // Prepare
    snsMock.onAnyCommand().resolves({ MessageId: 'm' });
    docMock.onAnyCommand().resolves({});
    ebMock.onAnyCommand().resolves({ FailedEntryCount: 0 });
    const sns = new NotificationPublisher(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:111122223333:t');
    const journal = new Journal(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'j');
    const events = new EvaluationEventPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus');
    const entry = { roleArn: 'r', changedAt: '2024-05-01T10:00:00.000Z', eventId: 'e', kind: 'fix' as const, originalPolicy: '{}', newPolicy: '{}', ruleIds: [] };

    // Act
    await sns.publish({ subject: 's', message: {}, severity: 'low', outcome: 'reported', ruleIds: [] });
    await journal.record(entry);
    await journal.recordFix({ ...entry, eventId: 'e2' }, { sinceIso: '2024-04-30T10:00:00.000Z', limit: 3 });
    await journal.changesSince('r', 't');
    await journal.lastChange('r');
    await events.put({});

    // Assess
    expect(actionsSent('sns', snsMock)).toEqual([...NotificationPublisher.actions].sort());
    expect(actionsSent('dynamodb', docMock)).toEqual([...Journal.actions].sort());
    expect(actionsSent('events', ebMock)).toEqual([...EvaluationEventPublisher.actions].sort());
  });

  it('ADAPTER_ACTIONS lists every adapter', () => {
    // Assess
    expect(ADAPTER_ACTIONS).toEqual({
      iam: IamAdapter.actions,
      iamInventory: IamInventory.actions,
      eks: EksAdapter.actions,
      eksInventory: EksInventory.actions,
      sns: NotificationPublisher.actions,
      journal: Journal.actions,
      events: EvaluationEventPublisher.actions,
      lambda: FunctionInvoker.actions,
    });
  });
});
