import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError, DuplicateEventError, FlappingError, NotFoundError } from '../../../lib/aws/errors';
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

describe('Journal.recordFix against moto (one transaction: entry, flap counter, event marker)', () => {
  const window = (changedAt: string) => ({ sinceIso: new Date(Date.parse(changedAt) - 24 * 3600_000).toISOString(), limit: 3 });

  it('writes the entry, and lastChange / changesSince still see only real entries', async () => {
    // Prepare
    const journal = await setup();
    const fix = entry('2024-05-01T10:00:00.000Z', 'e1');

    // Act
    await journal.recordFix(fix, window(fix.changedAt));
    const last = await journal.lastChange(ROLE);
    const since = await journal.changesSince(ROLE, '2000-01-01T00:00:00.000Z');

    // Assess
    expect(last).toEqual(fix);
    expect(since).toEqual([fix]);
  });

  it('refuses the fourth fix within 24 h with FlappingError and writes nothing for it', async () => {
    // Prepare
    const journal = await setup();
    const times = ['2024-05-01T01:00:00.000Z', '2024-05-01T05:00:00.000Z', '2024-05-01T09:00:00.000Z'];
    for (const [i, t] of times.entries()) await journal.recordFix(entry(t, `e${i}`), window(t));
    const fourth = entry('2024-05-01T20:00:00.000Z', 'e3');

    // Act
    const error = await journal.recordFix(fourth, window(fourth.changedAt)).catch((e: unknown) => e);
    const since = await journal.changesSince(ROLE, '2000-01-01T00:00:00.000Z');

    // Assess
    expect(error).toBeInstanceOf(FlappingError);
    expect(since.map((e) => e.eventId)).toEqual(['e0', 'e1', 'e2']);
  });

  it('allows a fix once the third most recent one is older than the window (slots shift against the old item)', async () => {
    // Prepare
    const journal = await setup();
    const times = ['2024-05-01T01:00:00.000Z', '2024-05-01T05:00:00.000Z', '2024-05-01T09:00:00.000Z'];
    for (const [i, t] of times.entries()) await journal.recordFix(entry(t, `e${i}`), window(t));
    const later = entry('2024-05-02T02:00:00.000Z', 'e3'); // 01:00 has left the window, 05:00 has not
    const tooSoon = entry('2024-05-02T04:00:00.000Z', 'e4'); // 05:00, 09:00 and 02:00 are in its window

    // Act
    await journal.recordFix(later, window(later.changedAt));
    const error = await journal.recordFix(tooSoon, window(tooSoon.changedAt)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(FlappingError);
    expect((await journal.lastChange(ROLE))?.eventId).toBe('e3');
  });

  it('refuses a second fix for the same event with DuplicateEventError, even at another time', async () => {
    // Prepare
    const journal = await setup();
    const first = entry('2024-05-01T10:00:00.000Z', 'same');
    await journal.recordFix(first, window(first.changedAt));
    const again = entry('2024-05-01T10:05:00.000Z', 'same');

    // Act
    const error = await journal.recordFix(again, window(again.changedAt)).catch((e: unknown) => e);
    const since = await journal.changesSince(ROLE, '2000-01-01T00:00:00.000Z');

    // Assess
    expect(error).toBeInstanceOf(DuplicateEventError);
    expect(since).toEqual([first]);
  });

  it('turns an existing entry with the same key into a ConflictError', async () => {
    // Prepare
    const journal = await setup();
    const plain = entry('2024-05-01T10:00:00.000Z', 'e1');
    await journal.record(plain);

    // Act
    const error = await journal.recordFix(plain, window(plain.changedAt)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(FlappingError);
    expect(error).not.toBeInstanceOf(DuplicateEventError);
  });
});
