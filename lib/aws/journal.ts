/**
 * The journal: one DynamoDB item per change the service makes to a trust policy, written before
 * the change, keeping the original document for rollback and the history for flapping detection.
 *
 * Key: `pk` = role ARN, `sk` = `${changedAt}#${eventId}`. `changedAt` must be `Date#toISOString()`
 * text (fixed width, UTC) so that the sort key orders by time.
 *
 * Two more kinds of item share the table, written by `recordFix` (never returned as entries):
 * - `sk` = `#fixes`: the role's flap counter, the times of its last three fixes (t0 oldest, t2 newest);
 * - `sk` = `event#${eventId}`: the marker of an event that caused a fix (expires after two days, TTL
 *   attribute `expiresAt`), so a second delivery of the same CloudTrail event changes nothing.
 * Real entries' sort keys start with a digit (`YYYY-…`); '#' sorts before and 'e' after the digits,
 * so the entry queries keep to the range `ENTRY_SK_MIN`..`ENTRY_SK_MAX`.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { callAws, ConflictError, DuplicateEventError, FlappingError, mapAwsError } from './errors';

/** The journal entry shape is the remediation port's (lib/remediation/ports.ts). */
export type { JournalEntry } from '../remediation/ports';
import type { JournalEntry } from '../remediation/ports';

/** Key schema of the journal table, for tests (CreateTable) and infra (same shape as CloudFormation). */
export const journalTableDefinition: Required<
  Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions' | 'BillingMode'>
> = {
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

export function journalSortKey(entry: Pick<JournalEntry, 'changedAt' | 'eventId'>): string {
  return `${entry.changedAt}#${entry.eventId}`;
}

/** Sort key bounds of real entries (ISO times start with a digit). */
export const ENTRY_SK_MIN = '0';
export const ENTRY_SK_MAX = '9~';
export const FLAP_COUNTER_SK = '#fixes';
export const eventMarkerSortKey = (eventId: string): string => `event#${eventId}`;
/** How long an event marker is kept (EventBridge retries for at most 24 h). */
export const EVENT_MARKER_TTL_SECONDS = 2 * 24 * 3600;

export interface RecordFixOptions {
  /** Start of the flap window (ISO). */
  sinceIso: string;
  /** Fixes allowed in the window; the counter keeps exactly three slots, so only 3 is supported. */
  limit: number;
}

function entryItem(entry: JournalEntry): Record<string, unknown> {
  const item: Record<string, unknown> = {
    pk: entry.roleArn,
    sk: journalSortKey(entry),
    roleArn: entry.roleArn,
    changedAt: entry.changedAt,
    eventId: entry.eventId,
    kind: entry.kind,
    originalPolicy: entry.originalPolicy,
    newPolicy: entry.newPolicy,
    ruleIds: [...entry.ruleIds],
  };
  if (entry.actor !== undefined) item.actor = entry.actor;
  if (entry.account !== undefined) item.account = entry.account;
  return item;
}

export class Journal {
  /** TransactWriteItems is authorised per item action: Put and Update. */
  static readonly actions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] as const;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Write one entry. The put is conditional: the same role, time and event twice is a
   * ConflictError (not retryable), which tells a duplicate delivery from a new change.
   */
  async record(entry: JournalEntry): Promise<void> {
    await callAws('dynamodb:PutItem', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: entryItem(entry),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Journal a fix in one transaction that also guards it: the entry, the role's flap counter
   * (fails with FlappingError when its third most recent fix is inside the window) and the event's
   * marker (fails with DuplicateEventError when this event already caused a fix). A same-key entry
   * is a ConflictError. Nothing is written unless all three succeed.
   */
  async recordFix(entry: JournalEntry, opts: RecordFixOptions): Promise<void> {
    if (opts.limit !== 3) throw new RangeError('the flap counter keeps three fixes: limit must be 3');
    const expiresAt = Math.floor(Date.parse(entry.changedAt) / 1000) + EVENT_MARKER_TTL_SECONDS;
    const action = 'dynamodb:TransactWriteItems';
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: entryItem(entry), ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: entry.roleArn, sk: FLAP_COUNTER_SK },
                // Right-hand sides read the item as it was: the slots shift by one.
                UpdateExpression: 'SET t0 = if_not_exists(t1, :zero), t1 = if_not_exists(t2, :zero), t2 = :now',
                ConditionExpression: 'attribute_not_exists(t0) OR t0 < :since',
                ExpressionAttributeValues: { ':zero': '0', ':now': entry.changedAt, ':since': opts.sinceIso },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: entry.roleArn, sk: eventMarkerSortKey(entry.eventId), eventId: entry.eventId, changedAt: entry.changedAt, expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      throw transactionError(err, action, entry);
    }
  }

  /** Entries for the role changed at or after `sinceIso`, oldest first (all pages). */
  async changesSince(roleArn: string, sinceIso: string): Promise<JournalEntry[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :max',
      ExpressionAttributeValues: { ':pk': roleArn, ':since': sinceIso < ENTRY_SK_MIN ? ENTRY_SK_MIN : sinceIso, ':max': ENTRY_SK_MAX },
      ScanIndexForward: true,
    });
  }

  /** The role's most recent entry, or null when the service never changed it. */
  async lastChange(roleArn: string): Promise<JournalEntry | null> {
    const entries = await this.query(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :min AND :max',
        ExpressionAttributeValues: { ':pk': roleArn, ':min': ENTRY_SK_MIN, ':max': ENTRY_SK_MAX },
        ScanIndexForward: false,
        Limit: 1,
      },
      1,
    );
    return entries[0] ?? null;
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>, max = Infinity): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await callAws('dynamodb:Query', () =>
        this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey })),
      );
      for (const item of page.Items ?? []) entries.push(toEntry(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length < max);
    return entries.slice(0, max);
  }
}

/** TransactionCanceledException: which item's condition failed says what happened. */
function transactionError(err: unknown, action: string, entry: JournalEntry): Error {
  const e = err as { name?: unknown; CancellationReasons?: { Code?: string }[] };
  if (e?.name === 'TransactionCanceledException' && Array.isArray(e.CancellationReasons)) {
    const failed = (i: number) => e.CancellationReasons?.[i]?.Code === 'ConditionalCheckFailed';
    const opts = { code: 'TransactionCanceledException', cause: err };
    if (failed(1)) return new FlappingError(action, `role ${entry.roleArn} was fixed too often within the flap window`, opts);
    if (failed(2)) return new DuplicateEventError(action, `event ${entry.eventId} already caused a fix of ${entry.roleArn}`, opts);
    if (failed(0)) return new ConflictError(action, `journal entry ${journalSortKey(entry)} of ${entry.roleArn} exists`, false, opts);
    // Otherwise (TransactionConflict, throttling inside the transaction): retry later.
    if (e.CancellationReasons.some((r) => r?.Code && r.Code !== 'None')) {
      return new ConflictError(action, `transaction cancelled: ${e.CancellationReasons.map((r) => r?.Code ?? 'None').join(', ')}`, true, opts);
    }
  }
  return mapAwsError(err, action);
}

function str(item: Record<string, unknown>, key: string): string {
  const v = item[key];
  return typeof v === 'string' ? v : '';
}

function toEntry(item: Record<string, unknown>): JournalEntry {
  const ruleIds = item.ruleIds;
  const entry: JournalEntry = {
    roleArn: str(item, 'roleArn') || str(item, 'pk'),
    changedAt: str(item, 'changedAt'),
    eventId: str(item, 'eventId'),
    kind: item.kind === 'rollback' ? 'rollback' : 'fix',
    originalPolicy: str(item, 'originalPolicy'),
    newPolicy: str(item, 'newPolicy'),
    // A list normally; a string set (Set) if someone wrote one by hand.
    ruleIds: Array.isArray(ruleIds) || ruleIds instanceof Set ? [...ruleIds].map(String) : [],
  };
  if (typeof item.actor === 'string') entry.actor = item.actor;
  if (typeof item.account === 'string') entry.account = item.account;
  return entry;
}
