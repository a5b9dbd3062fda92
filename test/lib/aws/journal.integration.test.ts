import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError, NotFoundError } from '../../../lib/aws/errors';
import { Journal, journalTableDefinition, type JournalEntry } from '../../../lib/aws/journal';
import { clientsFor, useMoto } from '../../support/moto';

const moto = useMoto();
const TABLE = 'eks-trust-guard-journal';
const ROLE = 'arn:aws:iam::123456789012:role/fargate-pods';

function entry(changedAt: string, eventId: string, extra: Partial<JournalEntry> = {}): JournalEntry {
  return {
    roleArn: ROLE,
    changedAt,
    eventId,
    kind: 'fix',
    originalPolicy: '{"Version":"2012-10-17","Statement":[{"Sid":"100% é","Effect":"Allow"}]}',
    newPolicy: '{"Version":"2012-10-17","Statement":[]}',
    ruleIds: ['fargate-source-arn'],
    ...extra,
  };
}

async function setup() {
  const clients = clientsFor(moto().endpoint);
  await clients.dynamodbClient.send(new CreateTableCommand({ TableName: TABLE, ...journalTableDefinition }));
  return new Journal(clients.dynamodb, TABLE);
}

beforeEach(async () => {
  await moto().reset();
});

describe('Journal against moto', () => {
  it('records entries and queries them since a time, oldest first', async () => {
    // Prepare
    const journal = await setup();
    const old = entry('2024-05-01T08:00:00.000Z', 'e0');
    const a = entry('2024-05-01T10:00:00.000Z', 'e1', { actor: 'arn:aws:sts::123456789012:assumed-role/ci/run', account: '123456789012' });
    const b = entry('2024-05-01T11:00:00.000Z', 'e2', { kind: 'rollback', ruleIds: [] });
    for (const e of [b, old, a]) await journal.record(e);

    // Act
    const since = await journal.changesSince(ROLE, '2024-05-01T09:00:00.000Z');
    const other = await journal.changesSince('arn:aws:iam::123456789012:role/other', '2000-01-01T00:00:00.000Z');

    // Assess
    expect(since).toEqual([a, b]);
    expect(other).toEqual([]);
  });

  it('returns the last change, or null for a role never changed', async () => {
    // Prepare
    const journal = await setup();
    await journal.record(entry('2024-05-01T10:00:00.000Z', 'e1'));
    await journal.record(entry('2024-05-02T10:00:00.000Z', 'e2', { kind: 'rollback' }));

    // Act
    const last = await journal.lastChange(ROLE);
    const none = await journal.lastChange('arn:aws:iam::123456789012:role/never');

    // Assess
    expect(last).toEqual(entry('2024-05-02T10:00:00.000Z', 'e2', { kind: 'rollback' }));
    expect(none).toBeNull();
  });

  it('refuses the same role, time and event twice with a ConflictError', async () => {
    // Prepare
    const journal = await setup();
    const e = entry('2024-05-01T10:00:00.000Z', 'dup');
    await journal.record(e);

    // Act
    const error = await journal.record({ ...e, newPolicy: '{}' }).catch((x: unknown) => x);
    const stored = await journal.changesSince(ROLE, '2024-01-01T00:00:00.000Z');

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).retryable).toBe(false);
    expect(stored).toEqual([e]);
  });

  it('maps a missing table to NotFoundError', async () => {
    // Prepare
    const journal = new Journal(clientsFor(moto().endpoint).dynamodb, 'no-such-table');

    // Act
    const error = await journal.record(entry('2024-05-01T10:00:00.000Z', 'e')).catch((x: unknown) => x);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
