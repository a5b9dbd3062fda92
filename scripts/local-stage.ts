/**
 * The tables and topic serverless.yml's local stage names, created in an emulator: for
 * npm run local, invoke local, the API's HTTP tests and benchmark.
 */
import { CreateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { AwsClients } from '../lib/aws/clients';
import { journalTableDefinition } from '../lib/aws/journal';
import { LOCAL_NAMES } from './offline';

/** Key schema of the Powertools idempotency table (as infra/resources.yml declares it). */
export const idempotencyTableDefinition: Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions' | 'BillingMode'> = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
};

export async function createLocalStage(clients: AwsClients): Promise<void> {
  await Promise.all([
    clients.dynamodbClient.send(new CreateTableCommand({ TableName: LOCAL_NAMES.journalTable, ...journalTableDefinition })),
    clients.dynamodbClient.send(new CreateTableCommand({ TableName: LOCAL_NAMES.idempotencyTable, ...idempotencyTableDefinition })),
    clients.sns.send(new CreateTopicCommand({ Name: LOCAL_NAMES.topicName })),
  ]);
}
