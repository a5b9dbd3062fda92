/**
 * The tables and topic serverless.yml's local stage names, created in an emulator: for
 * npm run local, invoke local, the API's HTTP tests and benchmark.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { AwsClients } from '../lib/aws/clients';
import { journalTableDefinition } from '../lib/aws/journal';
import { LOCAL_NAMES } from './offline';

export async function createLocalStage(clients: AwsClients): Promise<void> {
  await Promise.all([
    clients.dynamodbClient.send(new CreateTableCommand({ TableName: LOCAL_NAMES.journalTable, ...journalTableDefinition })),
    clients.sns.send(new CreateTopicCommand({ Name: LOCAL_NAMES.topicName })),
  ]);
}
