import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ConflictError, ThrottledError } from '../../../lib/aws/errors';
import { Journal, journalTableDefinition, type JournalEntry } from '../../../lib/aws/journal';
import { sdkError } from './sdk-errors';

const docMock = mockClient(DynamoDBDocumentClient);
const journal = new Journal(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'journal');

const ROLE = 'arn:aws:iam::111122223333:role/fargate-pods';
const entry: JournalEntry = {
  roleArn: ROLE,
  changedAt: '2024-05-01T10:00:00.000Z',
  eventId: 'evt-1',
  kind: 'fix',
  originalPolicy: '{"Version":"2012-10-17","Statement":[]}',
  newPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny"}]}',
  ruleIds: ['fargate-source-arn'],
  actor: 'arn:aws:sts::111122223333:assumed-role/admin/alice',
};

afterEach(() => {
  docMock.reset();
});

describe('Journal.record', () => {
  it('writes pk = role ARN, sk = time#event, conditionally on the item not existing', async () => {
    // Prepare
    docMock.on(PutCommand).resolves({});

    // Act
    await journal.record(entry);

    // Assess
    expect(docMock.commandCalls(PutCommand)[0].args[0].input).toEqual({
      TableName: 'journal',
      Item: { pk: ROLE, sk: '2024-05-01T10:00:00.000Z#evt-1', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('turns a failed condition (duplicate) into a non-retryable ConflictError', async () => {
    // Prepare
    docMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    // Act
    const error = await journal.record(entry).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).retryable).toBe(false);
    expect((error as ConflictError).action).toBe('dynamodb:PutItem');
  });

  it('maps throttling', async () => {
    // Prepare
    docMock.on(PutCommand).rejects(sdkError('ProvisionedThroughputExceededException'));

    // Act
    const error = await journal.record(entry).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });
});

describe('Journal.changesSince', () => {
  it('queries the role from the given time on, ascending, across pages', async () => {
    // Prepare
    const second = { ...entry, changedAt: '2024-05-01T11:00:00.000Z', eventId: 'evt-2' };
    docMock
      .on(QueryCommand, { ExclusiveStartKey: undefined })
      .resolves({ Items: [{ pk: ROLE, sk: 'x', ...entry }], LastEvaluatedKey: { pk: ROLE, sk: 'x' } })
      .on(QueryCommand, { ExclusiveStartKey: { pk: ROLE, sk: 'x' } })
      .resolves({ Items: [{ pk: ROLE, sk: 'y', ...second }] });

    // Act
    const entries = await journal.changesSince(ROLE, '2024-05-01T09:00:00.000Z');

    // Assess
    expect(entries).toEqual([entry, second]);
    const input = docMock.commandCalls(QueryCommand)[0].args[0].input;
    expect(input).toMatchObject({
      TableName: 'journal',
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': ROLE, ':since': '2024-05-01T09:00:00.000Z' },
      ScanIndexForward: true,
    });
  });
});

describe('Journal.lastChange', () => {
  it('reads the newest entry only', async () => {
    // Prepare
    docMock.on(QueryCommand).resolves({ Items: [{ pk: ROLE, sk: 'x', ...entry, kind: 'rollback' }], LastEvaluatedKey: { pk: ROLE, sk: 'x' } });

    // Act
    const last = await journal.lastChange(ROLE);

    // Assess
    expect(last).toEqual({ ...entry, kind: 'rollback' });
    const calls = docMock.commandCalls(QueryCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toMatchObject({ ScanIndexForward: false, Limit: 1 });
  });

  it('returns null for a role never changed', async () => {
    // Prepare
    docMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const last = await journal.lastChange(ROLE);

    // Assess
    expect(last).toBeNull();
  });
});

describe('journalTableDefinition', () => {
  it('keys the table on pk (hash) and sk (range), strings, on demand', () => {
    // Assess
    expect(journalTableDefinition).toEqual({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });
});
