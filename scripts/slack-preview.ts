/**
 * `npm run slack-preview -- --endpoint http://127.0.0.1:MOTO_PORT`: the Slack messages the last
 * notifications would become. Reads what was published to SNS in that emulator (moto's
 * GET /moto-api/data.json) and builds, for each of the last N notifications (default 5), the exact
 * payload slackNotifier posts to the Slack webhook: the same parsing and Block Kit formatting
 * (lib/slack: parseNotification, then notifier's messageFor). Printed as JSON, followed by a plain
 * text rendering for humans; `--json` prints only the payloads (a JSON array).
 *
 *   node scripts/run-ts.js scripts/slack-preview.ts --endpoint URL [--last N] [--topic ARN] [--json]
 *
 * Nothing is posted anywhere.
 */
import path from 'node:path';
import type { SlackBlock, SlackMessage, TextObject } from '../lib/slack/blocks';
import { parseNotification, type ParsedNotification } from '../lib/slack/messages';
import { messageFor, type SnsRecordLike } from '../lib/slack/notifier';
import { parseSnsMessages, type SnsMessage } from './moto';
import { argsOrUsage, bold, dim } from './tty';

export const DEFAULT_LAST = 5;

export interface SlackPreview {
  messageId: string;
  topicArn: string;
  subject: string | null;
  /** What the notifier made of the SNS message (evaluation, sweep, alarm, unknown, unreadable). */
  kind: ParsedNotification['kind'];
  /** The body slackNotifier posts to the webhook. */
  payload: SlackMessage;
}

export interface PreviewOptions {
  /** How many of the latest notifications (default 5). */
  last?: number;
  /** Only this topic's notifications (default: every topic). */
  topicArn?: string;
}

/** The SNS record the notifier would receive for a published message. */
export function snsRecordOf(m: SnsMessage): SnsRecordLike {
  return {
    Sns: {
      MessageId: m.messageId,
      Message: m.message,
      Subject: m.subject,
      MessageAttributes: Object.fromEntries(Object.entries(m.attributes).map(([name, a]) => [name, { Type: a.type, Value: a.value }])),
    },
  };
}

/** The Slack payloads of the last `last` messages, oldest first (pure). */
export function previewsOf(messages: SnsMessage[], opts: PreviewOptions = {}): SlackPreview[] {
  const last = opts.last ?? DEFAULT_LAST;
  const chosen = messages.filter((m) => !opts.topicArn || m.topicArn === opts.topicArn);
  return chosen.slice(Math.max(0, chosen.length - last)).map((m) => {
    const record = snsRecordOf(m);
    const parsed = parseNotification(m.message);
    return { messageId: m.messageId, topicArn: m.topicArn, subject: m.subject, kind: parsed.kind, payload: messageFor(parsed, record) };
  });
}

/** Everything published in the emulator at `endpoint`, oldest first per topic. */
export async function publishedMessages(endpoint: string): Promise<SnsMessage[]> {
  const url = `${endpoint.replace(/\/+$/, '')}/moto-api/data.json`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(`cannot reach the emulator at ${endpoint} (${(err as Error).message}); is \`npm run local\` running?`);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}; is ${endpoint} a moto server?`);
  return parseSnsMessages(await res.json());
}

export async function slackPreview(endpoint: string, opts: PreviewOptions = {}): Promise<SlackPreview[]> {
  return previewsOf(await publishedMessages(endpoint), opts);
}

// ------------------------------------------------------------------ plain text

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const plain = (t: TextObject) => unescape(t.text);

function blockText(b: SlackBlock): string[] {
  switch (b.type) {
    case 'header':
      return [plain(b.text), '='.repeat(Math.min(72, b.text.text.length))];
    case 'section': {
      const out: string[] = [];
      if (b.text) out.push(plain(b.text));
      // A field is "*Label*\nvalue": one "Label: value" per field, on one line.
      if (b.fields?.length) out.push(b.fields.map((f) => plain(f).replace(/^\*([^*\n]+)\*\n/, '$1: ').replace(/\n/g, ' ')).join('   '));
      return out;
    }
    case 'context':
      return [b.elements.map(plain).join('  ·  ')];
    case 'divider':
      return ['-'.repeat(40)];
  }
}

/** A plain text rendering of a Slack message, a blank line between blocks (mrkdwn markers kept, entities decoded). */
export function renderText(message: SlackMessage): string {
  if (!message.blocks?.length) return unescape(message.text);
  return message.blocks.map((b) => blockText(b).join('\n')).join('\n\n');
}

// ------------------------------------------------------------------ command line

const USAGE = `usage: npm run slack-preview -- --endpoint http://127.0.0.1:MOTO_PORT [--last N] [--topic ARN] [--json]
  --endpoint URL  the moto server \`npm run local\` printed
  --last N        how many of the latest notifications (default ${DEFAULT_LAST})
  --topic ARN     only this topic's notifications (default: every topic)
  --json          print only the Slack payloads, as a JSON array`;

interface Args {
  endpoint: string;
  last: number;
  topicArn?: string;
  json: boolean;
}

export function parseArgs(argv: string[]): Args | { error: string } | 'help' {
  let endpoint: string | undefined;
  let last = DEFAULT_LAST;
  let topicArn: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--json') json = true;
    else if (flag === '--endpoint') endpoint = value();
    else if (flag === '--topic') topicArn = value();
    else if (flag === '--last') {
      const v = value();
      last = Number(v);
      if (!Number.isInteger(last) || last < 1) return { error: `--last needs a positive whole number, not "${v ?? ''}"` };
    } else return { error: `unknown argument "${argv[i]}"` };
  }
  if (!endpoint || !/^https?:\/\/[^\s/]+/.test(endpoint)) return { error: '--endpoint needs the moto URL `npm run local` printed, e.g. http://127.0.0.1:41234' };
  return { endpoint, last, topicArn, json };
}


async function main(argv: string[]): Promise<void> {
  const args = argsOrUsage(parseArgs(argv), USAGE);
  if (args === null) return;
  let previews: SlackPreview[];
  try {
    previews = await slackPreview(args.endpoint, { last: args.last, topicArn: args.topicArn });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
    return;
  }
  if (args.json) {
    console.log(JSON.stringify(previews.map((p) => p.payload), null, 2));
    return;
  }
  if (previews.length === 0) {
    console.log('No notification published yet: call the API first (remediate, rollback or sweep; see `npm run local`).');
    return;
  }
  console.log(dim(`The last ${previews.length} notification(s), oldest first. slackNotifier posts each payload below, unchanged, to the Slack webhook.\n`));
  previews.forEach((p, i) => {
    console.log(bold(`#${i + 1}  ${p.subject ?? '(no subject)'}`) + dim(`  (SNS message ${p.messageId}, ${p.kind})`));
    console.log(dim('Slack payload (JSON):'));
    console.log(JSON.stringify(p.payload, null, 2));
    console.log(dim('\nAs text:'));
    console.log(renderText(p.payload).replace(/^/gm, '  '));
    console.log('');
  });
}

// Run as a script (directly or through scripts/run-ts.js, which sets argv[1] to this file).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  void main(process.argv.slice(2));
}
