/**
 * The journal: one DynamoDB item per change the service makes to a trust policy, written before
 * the change, keeping the original document for rollback and the history for flapping detection.
 *
 * Key: `pk` = role ARN, `sk` = `${changedAt}#${eventId}`. `changedAt` must be `Date#toISOString()`
 * text (fixed width, UTC) so that the sort key orders by time.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { callAws } from './errors';

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

export class Journal {
  static readonly actions = ['dynamodb:PutItem', 'dynamodb:Query'] as const;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Write one entry. The put is conditional: the same role, time and event twice is a
   * ConflictError (not retryable), which tells a duplicate delivery from a new change.
   */
  async record(entry: JournalEntry): Promise<void> {
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
    await callAws('dynamodb:PutItem', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** Entries for the role changed at or after `sinceIso`, oldest first (all pages). */
  async changesSince(roleArn: string, sinceIso: string): Promise<JournalEntry[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': roleArn, ':since': sinceIso },
      ScanIndexForward: true,
    });
  }

  /** The role's most recent entry, or null when the service never changed it. */
  async lastChange(roleArn: string): Promise<JournalEntry | null> {
    const entries = await this.query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': roleArn },
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
