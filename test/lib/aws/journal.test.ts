import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ConflictError, DuplicateEventError, FlappingError, ThrottledError } from '../../../lib/aws/errors';
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

describe('Journal.recordFix', () => {
  const opts = { sinceIso: '2024-04-30T10:00:00.000Z', limit: 3 };
  const cancelled = (codes: string[]) =>
    new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

  it('sends one transaction: the entry, the flap counter shift with its window condition, the event marker', async () => {
    // Prepare
    docMock.on(TransactWriteCommand).resolves({});

    // Act
    await journal.recordFix(entry, opts);

    // Assess
    expect(docMock.calls()).toHaveLength(1);
    expect(docMock.commandCalls(TransactWriteCommand)[0].args[0].input).toEqual({
      TransactItems: [
        { Put: { TableName: 'journal', Item: { pk: ROLE, sk: '2024-05-01T10:00:00.000Z#evt-1', ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: 'journal',
            Key: { pk: ROLE, sk: '#fixes' },
            UpdateExpression: 'SET t0 = if_not_exists(t1, :zero), t1 = if_not_exists(t2, :zero), t2 = :now',
            ConditionExpression: 'attribute_not_exists(t0) OR t0 < :since',
            ExpressionAttributeValues: { ':zero': '0', ':now': '2024-05-01T10:00:00.000Z', ':since': '2024-04-30T10:00:00.000Z' },
          },
        },
        {
          Put: {
            TableName: 'journal',
            // Two days after 2024-05-01T10:00:00Z (1714557600), in epoch seconds for the TTL.
            Item: { pk: ROLE, sk: 'event#evt-1', eventId: 'evt-1', changedAt: '2024-05-01T10:00:00.000Z', expiresAt: 1714557600 + 172800 },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
  });

  it.each([
    [['None', 'ConditionalCheckFailed', 'None'], FlappingError],
    [['None', 'None', 'ConditionalCheckFailed'], DuplicateEventError],
    [['ConditionalCheckFailed', 'None', 'None'], ConflictError],
  ])('maps cancellation reasons %j to %p (not retryable)', async (codes, expected) => {
    // Prepare
    docMock.on(TransactWriteCommand).rejects(cancelled(codes));

    // Act
    const error = await journal.recordFix(entry, opts).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(expected);
    expect((error as ConflictError).retryable).toBe(false);
  });

  it('treats a transaction conflict as retryable', async () => {
    // Prepare
    docMock.on(TransactWriteCommand).rejects(cancelled(['None', 'TransactionConflict', 'None']));

    // Act
    const error = await journal.recordFix(entry, opts).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(FlappingError);
    expect((error as ConflictError).retryable).toBe(true);
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
      // Real entries only: the flap counter ('#fixes') and event markers ('event#…') sort outside.
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :max',
      ExpressionAttributeValues: { ':pk': ROLE, ':since': '2024-05-01T09:00:00.000Z', ':max': '9~' },
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
