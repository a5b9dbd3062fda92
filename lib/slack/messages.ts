/**
 * What can arrive on the notification topic, parsed leniently (a newer publisher adding fields
 * must not silence the channel): the evaluation@1 and sweep@1 messages of CONTRACTS.md, and the
 * CloudWatch alarm notifications the stack's own alarms publish to the same topic. Anything else
 * is `unknown` or `unreadable`, with a reason, never an exception.
 */
import { z } from 'zod';
import { EVALUATION_SCHEMA, SWEEP_SCHEMA } from '../remediation/notification';

const optionalText = z.string().optional();

export const EvaluationMessageSchema = z.object({
  schema: z.literal(EVALUATION_SCHEMA),
  account: z.string().default(''),
  region: z.string().default(''),
  trigger: z
    .object({ source: optionalText, eventName: optionalText, eventId: optionalText, actor: optionalText })
    .default({}),
  role: z.object({ name: z.string(), arn: z.string().default('') }),
  association: z
    .object({
      clusterName: optionalText,
      namespace: optionalText,
      serviceAccount: optionalText,
      associationArn: optionalText,
      targetRoleArn: optionalText,
    })
    .nullable()
    .default(null),
  mode: z.string().default(''),
  outcome: z.string(),
  findings: z
    .array(z.object({ ruleId: z.string(), severity: z.string(), message: z.string().default(''), fixed: z.boolean().default(false) }))
    .default([]),
  originalPolicy: z.unknown().optional(),
  newPolicy: z.unknown().optional(),
  reason: optionalText,
  rollback: optionalText,
});

/** An evaluation notification as the formatter reads it (EvaluationNotification fits it). */
export type EvaluationView = z.output<typeof EvaluationMessageSchema>;

const counts = z.record(z.string(), z.number()).default({});

export const SweepMessageSchema = z.object({
  schema: z.literal(SWEEP_SCHEMA),
  account: z.string().default(''),
  region: z.string().default(''),
  startedAt: optionalText,
  finishedAt: optionalText,
  roles: z.number().int().nonnegative(),
  byOutcome: counts,
  byRule: counts,
  bySeverity: counts,
  worst: z
    .array(
      z.object({
        // A role name; an object with a name (and ARN) is accepted too.
        role: z.union([z.string(), z.object({ name: z.string(), arn: optionalText }).transform((r) => r.name)]),
        severity: z.string(),
        ruleIds: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});

export type SweepView = z.output<typeof SweepMessageSchema>;

/** The JSON a CloudWatch alarm publishes to SNS (the fields shown). */
export const AlarmMessageSchema = z.object({
  AlarmName: z.string(),
  NewStateValue: z.string(),
  NewStateReason: z.string().default(''),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: optionalText,
  Region: optionalText,
  StateChangeTime: optionalText,
  OldStateValue: optionalText,
});

export type AlarmView = z.output<typeof AlarmMessageSchema>;

export type ParsedNotification =
  | { kind: 'evaluation'; evaluation: EvaluationView }
  | { kind: 'sweep'; sweep: SweepView }
  | { kind: 'alarm'; alarm: AlarmView }
  /** Valid JSON, but not a schema this notifier knows (e.g. a newer publisher). */
  | { kind: 'unknown'; schema?: string; reason: string }
  /** Not JSON, or a known schema whose content does not match it. */
  | { kind: 'unreadable'; schema?: string; reason: string };

function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return `${issues.join('; ')}${more}`;
}

export function parseNotification(raw: string): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: 'unreadable', reason: 'the message is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'unreadable', reason: 'the message is not a JSON object' };
  }
  const record = json as Record<string, unknown>;
  const schema = typeof record.schema === 'string' ? record.schema : undefined;
  if (schema === EVALUATION_SCHEMA) {
    const parsed = EvaluationMessageSchema.safeParse(record);
    return parsed.success
      ? { kind: 'evaluation', evaluation: parsed.data }
      : { kind: 'unreadable', schema, reason: `does not match ${schema}: ${describeIssues(parsed.error)}` };
  }
  if (schema === SWEEP_SCHEMA) {
    const parsed = SweepMessageSchema.safeParse(record);
    return parsed.success
      ? { kind: 'sweep', sweep: parsed.data }
      : { kind: 'unreadable', schema, reason: `does not match ${schema}: ${describeIssues(parsed.error)}` };
  }
  if (schema === undefined && typeof record.AlarmName === 'string') {
    const parsed = AlarmMessageSchema.safeParse(record);
    if (parsed.success) return { kind: 'alarm', alarm: parsed.data };
    return { kind: 'unreadable', reason: `CloudWatch alarm message without the expected fields: ${describeIssues(parsed.error)}` };
  }
  return schema === undefined
    ? { kind: 'unknown', reason: 'the message has no "schema" field' }
    : { kind: 'unknown', schema, reason: `unknown schema ${schema}` };
}
