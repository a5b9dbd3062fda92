/**
 * Block Kit messages for the notifications (pure: no I/O, no environment, no logging).
 *
 * Every text is escaped for Slack mrkdwn (`&`, `<`, `>`), so content taken from a trust policy or
 * a role cannot mention `@channel` or smuggle a link, and stays within Slack's limits: 3000
 * characters per section text, 2000 per field, 150 per header, 50 blocks per message. Long
 * content (findings, the policy diff) is split over several sections, and what does not fit is
 * counted in a note instead of being cut mid-line.
 */
import { structuredPatch } from 'diff';
import { SEVERITIES } from '../policy/types';
import type { AlarmView, EvaluationView, SweepView } from './messages';

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** What is posted to the webhook: `text` is the notification fallback when blocks are present. */
export interface SlackMessage {
  text: string;
  blocks?: SlackBlock[];
}

export const SLACK_LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  blocks: 50,
  /** Our own bound on the fallback text (Slack truncates `text` at 40,000). */
  fallbackText: 3000,
} as const;

/** How many sections each long part may use; with the fixed blocks the total stays under 50. */
export const MAX_FINDING_SECTIONS = 12;
export const MAX_POLICY_SECTIONS = 12;
export const MAX_SWEEP_LIST_SECTIONS = 10;

const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};
const NO_SEVERITY_EMOJI = ':white_circle:';

const OUTCOME_TITLE: Record<string, string> = {
  fixed: 'trust policy fixed',
  tagged: 'tagged, not fixed',
  reported: 'reported, nothing changed',
  exempt: 'exempt, nothing changed',
  failed: 'remediation failed',
};

// ------------------------------------------------------------------ text helpers

/** Escape the three characters Slack's mrkdwn gives meaning to (links, mentions). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code: escaped, with backticks replaced (a backtick would end the code span). */
export function inlineCode(text: string): string {
  return `\`${escapeText(text).replace(/`/g, "'")}\``;
}

/** Content of a ``` block: escaped, and a ``` inside it broken up so it cannot close the block. */
function codeLine(text: string): string {
  return escapeText(text).replace(/```/g, '``\u200b`');
}

/**
 * Cut an already escaped text to `max` characters, ending with `…`, never inside an entity
 * (`&amp;`) or a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const amp = text.lastIndexOf('&', end);
  if (amp !== -1 && end - amp < 5 && !text.slice(amp, end).includes(';')) end = amp;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function severityRank(severity: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(severity);
  return i === -1 ? SEVERITIES.length : i;
}

/** The highest severity among the findings, or undefined when there are none. */
export function highestOf(severities: string[]): string | undefined {
  return [...severities].sort((a, b) => severityRank(a) - severityRank(b))[0];
}

function emojiFor(severity: string | undefined): string {
  return (severity && SEVERITY_EMOJI[severity]) || NO_SEVERITY_EMOJI;
}

const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(clip(text, SLACK_LIMITS.sectionText)) };
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText), emoji: true } };
}

function fields(...texts: string[]): SlackBlock {
  return { type: 'section', fields: texts.slice(0, SLACK_LIMITS.fields).map((t) => mrkdwn(clip(t, SLACK_LIMITS.fieldText))) };
}

function context(...texts: string[]): SlackBlock {
  return { type: 'context', elements: texts.filter(Boolean).slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(clip(t, SLACK_LIMITS.sectionText))) };
}

/** Room kept in every chunk for the "… N more" note, so adding it never breaks a limit. */
const NOTE_RESERVE = 120;

interface ChunkOptions {
  /** Bold title in front of the first chunk (already escaped). */
  heading: string;
  /** Escaped lines. */
  lines: string[];
  maxSections: number;
  /** Wrap each chunk in a ``` code block. */
  code?: boolean;
  /** The note for lines left out, e.g. `… 12 more lines not shown`. */
  more: (left: number) => string;
}

/**
 * Split lines over sections of at most 3000 characters (code fences included), at most
 * `maxSections` of them; lines that do not fit are counted in a note on the last section.
 */
export function chunkSections(opts: ChunkOptions): SlackBlock[] {
  const open = opts.code ? '```\n' : '';
  const close = opts.code ? '\n```' : '';
  const capacity = SLACK_LIMITS.sectionText - NOTE_RESERVE;
  const chunks: { prefix: string; lines: string[] }[] = [];
  let current = { prefix: opts.heading ? `${opts.heading}\n` : '', lines: [] as string[] };
  let size = current.prefix.length + open.length + close.length;
  for (const raw of opts.lines) {
    const line = clip(raw, capacity - open.length - close.length - current.prefix.length - 1);
    if (current.lines.length > 0 && size + line.length + 1 > capacity) {
      chunks.push(current);
      current = { prefix: '', lines: [] };
      size = open.length + close.length;
    }
    current.lines.push(line);
    size += line.length + (current.lines.length > 1 ? 1 : 0);
  }
  chunks.push(current);

  const kept = chunks.slice(0, opts.maxSections);
  const left = chunks.slice(opts.maxSections).reduce((n, c) => n + c.lines.length, 0);
  return kept.map((c, i) => {
    const body = c.lines.length ? `${open}${c.lines.join('\n')}${close}` : '';
    const note = left > 0 && i === kept.length - 1 ? `\n_${escapeText(opts.more(left))}_` : '';
    return section(`${c.prefix}${body}${note}`.replace(/\n$/, ''));
  });
}

// ------------------------------------------------------------------ policy diff

function policyText(doc: unknown): string {
  return typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
}

/**
 * Edits beyond which no diff is computed: the Myers diff is quadratic in the worst case, and a
 * trust policy IAM accepts (at most 4096 characters) stays far below this.
 */
export const MAX_DIFF_EDITS = 1000;

/**
 * Unified diff (3 lines of context) of the pretty-printed documents, headed `--- original` /
 * `+++ new`; empty when the documents are the same, undefined when they differ in more than
 * MAX_DIFF_EDITS lines (no readable diff; the caller shows the new document instead).
 */
export function unifiedPolicyDiff(original: unknown, updated: unknown): string[] | undefined {
  const before = `${policyText(original)}\n`;
  const after = `${policyText(updated)}\n`;
  const patch = structuredPatch('original', 'new', before, after, undefined, undefined, { context: 3, maxEditLength: MAX_DIFF_EDITS });
  if (!patch) return undefined;
  if (patch.hunks.length === 0) return [];
  const out = ['--- original', '+++ new'];
  for (const h of patch.hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    out.push(...h.lines.filter((l) => !l.startsWith('\\')));
  }
  return out;
}

// ------------------------------------------------------------------ evaluation

function findingLine(f: EvaluationView['findings'][number]): string {
  const state = f.fixed ? ':white_check_mark: fixed' : ':x: not fixed';
  return `• ${state} · *${escapeText(f.severity)}* · ${inlineCode(f.ruleId)}: ${escapeText(f.message)}`;
}

/** The "What was done" sentence for an outcome (texts documented in notes/SLACK.md). */
export function whatWasDone(n: Pick<EvaluationView, 'outcome' | 'mode' | 'findings' | 'reason'>): string {
  const fixed = n.findings.filter((f) => f.fixed).length;
  const open = n.findings.length - fixed;
  let done: string;
  switch (n.outcome) {
    case 'fixed':
      done = `The trust policy was rewritten: ${fixed} of ${plural(n.findings.length, 'finding')} fixed` + (open > 0 ? `, ${open} still open.` : '.');
      break;
    case 'tagged':
      done = 'The trust policy was not changed; the role was tagged with its open findings.';
      break;
    case 'reported':
      done = `Nothing was changed${n.mode ? ` (mode ${escapeText(n.mode)})` : ''}.`;
      break;
    case 'exempt':
      done = 'Nothing was changed: the role is exempt.';
      break;
    case 'failed':
      done = 'Remediation failed.';
      break;
    default:
      done = `Outcome: ${escapeText(n.outcome)}.`;
  }
  return n.reason ? `${done}\nReason: ${escapeText(n.reason)}` : done;
}

/** `POST /roles/x/rollback restores …` → the route as code, then the rest. */
export function rollbackText(rollback: string): string {
  const m = /^(GET|POST|PUT|PATCH|DELETE)\s+(\S+)([\s\S]*)$/.exec(rollback.trim());
  const how = m ? `${inlineCode(`${m[1]} ${m[2]}`)}${escapeText(m[3])}` : escapeText(rollback.trim());
  return `*How to roll back*\n${how}\nCall it on the eks-trust-guard API (AWS_IAM authorisation: sign the request with AWS credentials).`;
}

function evaluationTitle(n: EvaluationView, severity: string | undefined): string {
  const title = OUTCOME_TITLE[n.outcome] ?? n.outcome;
  return `[${(severity ?? 'none').toUpperCase()}] ${n.role.name}: ${title}`;
}

/** One readable message per evaluation notification. */
export function evaluationMessage(n: EvaluationView): SlackMessage {
  const severity = highestOf(n.findings.map((f) => f.severity));
  const title = evaluationTitle(n, severity);
  const blocks: SlackBlock[] = [header(`${emojiFor(severity)} ${title}`)];

  blocks.push({
    type: 'section',
    text: mrkdwn(clip(`*Role* ${inlineCode(n.role.name)}${n.role.arn ? `\n${inlineCode(n.role.arn)}` : ''}`, SLACK_LIMITS.sectionText)),
    fields: [
      `*Severity*\n${escapeText(severity ?? 'none')}`,
      `*Outcome*\n${escapeText(n.outcome)}`,
      `*Mode*\n${escapeText(n.mode || 'unknown')}`,
      `*Findings*\n${n.findings.length} (${n.findings.filter((f) => f.fixed).length} fixed)`,
    ].map((t) => mrkdwn(clip(t, SLACK_LIMITS.fieldText))),
  });

  const a = n.association;
  if (a) {
    const where = [
      a.clusterName ? `cluster ${inlineCode(a.clusterName)}` : '',
      a.namespace ? `namespace ${inlineCode(a.namespace)}` : '',
      a.serviceAccount ? `service account ${inlineCode(a.serviceAccount)}` : '',
    ].filter(Boolean);
    const lines = ['*Pod Identity association*'];
    if (where.length) lines.push(where.join(' · '));
    if (a.associationArn) lines.push(`association ${inlineCode(a.associationArn)}`);
    if (a.targetRoleArn) lines.push(`target role ${inlineCode(a.targetRoleArn)}`);
    blocks.push(section(lines.join('\n')));
  }

  blocks.push({ type: 'divider' });
  if (n.findings.length === 0) {
    blocks.push(section('*What was found*\nNo findings.'));
  } else {
    const ordered = [...n.findings].sort((x, y) => severityRank(x.severity) - severityRank(y.severity));
    blocks.push(
      ...chunkSections({
        heading: `*What was found* (${plural(n.findings.length, 'finding')})`,
        lines: ordered.map(findingLine),
        maxSections: MAX_FINDING_SECTIONS,
        more: (left) => `… and ${plural(left, 'more finding')} not shown`,
      }),
    );
  }
  blocks.push(section(`*What was done*\n${whatWasDone(n)}`));

  const original = n.originalPolicy ?? null;
  const updated = n.newPolicy ?? null;
  if (original !== null && updated !== null) {
    const diff = unifiedPolicyDiff(original, updated);
    blocks.push(
      ...(diff
        ? chunkSections({
            heading: '*Policy change* (unified diff, original → new)',
            lines: diff.length ? diff.map(codeLine) : ['(the documents are identical)'],
            maxSections: MAX_POLICY_SECTIONS,
            code: true,
            more: (left) => `… ${plural(left, 'more diff line')} not shown`,
          })
        : chunkSections({
            heading: '*New trust policy* (too many changes for a readable diff)',
            lines: policyText(updated).split('\n').map(codeLine),
            maxSections: MAX_POLICY_SECTIONS,
            code: true,
            more: (left) => `… ${plural(left, 'more line')} not shown`,
          })),
    );
  } else if (original !== null) {
    blocks.push(
      ...chunkSections({
        heading: '*Current trust policy* (not changed)',
        lines: policyText(original).split('\n').map(codeLine),
        maxSections: MAX_POLICY_SECTIONS,
        code: true,
        more: (left) => `… ${plural(left, 'more line')} not shown`,
      }),
    );
  }

  if (n.rollback) blocks.push(section(rollbackText(n.rollback)));

  const t = n.trigger;
  const trigger = [
    t.source ? `trigger: ${escapeText(t.source)}` : '',
    t.eventName ? escapeText(t.eventName) : '',
    t.actor ? `by ${escapeText(t.actor)}` : '',
    t.eventId ? `(event ${escapeText(t.eventId)})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const where = ['eks-trust-guard', n.account ? `account ${escapeText(n.account)}` : '', n.region ? `region ${escapeText(n.region)}` : '']
    .filter(Boolean)
    .join(' · ');
  blocks.push(context(where, trigger));

  const ruleIds = [...new Set(n.findings.map((f) => f.ruleId))];
  const text = `${escapeText(title)}${ruleIds.length ? ` (${escapeText(ruleIds.join(', '))})` : ''}`;
  return { text: clip(text, SLACK_LIMITS.fallbackText), blocks: fitBlocks(blocks) };
}

// ------------------------------------------------------------------ sweep summary

function countLine(counts: Record<string, number>, order: readonly string[]): string {
  const keys = [...order.filter((k) => k in counts), ...Object.keys(counts).filter((k) => !order.includes(k)).sort()];
  return keys.length ? keys.map((k) => `${escapeText(k)} ${counts[k]}`).join(' · ') : 'none';
}

function duration(startedAt: string | undefined, finishedAt: string | undefined): string | undefined {
  if (!startedAt || !finishedAt) return undefined;
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function sweepMessage(s: SweepView): SlackMessage {
  const title = `Sweep of account ${s.account || 'unknown'}${s.region ? ` (${s.region})` : ''}: ${plural(s.roles, 'role')} evaluated`;
  const worstSeverity = highestOf(Object.keys(s.bySeverity).filter((k) => (s.bySeverity[k] ?? 0) > 0));
  const blocks: SlackBlock[] = [header(`:broom: ${title}`)];

  const took = duration(s.startedAt, s.finishedAt);
  blocks.push(
    fields(
      `*Roles evaluated*\n${s.roles}`,
      `*Worst severity*\n${escapeText(worstSeverity ?? 'none')}`,
      ...(s.startedAt ? [`*Started*\n${escapeText(s.startedAt)}`] : []),
      ...(took ? [`*Duration*\n${took}`] : s.finishedAt ? [`*Finished*\n${escapeText(s.finishedAt)}`] : []),
    ),
  );
  blocks.push(section(`*By outcome*\n${countLine(s.byOutcome, ['fixed', 'tagged', 'reported', 'exempt', 'failed'])}`));
  blocks.push(section(`*By severity*\n${countLine(s.bySeverity, SEVERITIES)}`));

  const rules = Object.entries(s.byRule).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (rules.length === 0) {
    blocks.push(section('*By rule*\nnone'));
  } else {
    blocks.push(
      ...chunkSections({
        heading: '*By rule*',
        lines: rules.map(([id, n]) => `• ${inlineCode(id)} ${n}`),
        maxSections: MAX_SWEEP_LIST_SECTIONS,
        more: (left) => `… and ${plural(left, 'more rule')}`,
      }),
    );
  }

  if (s.worst.length > 0) {
    blocks.push(
      ...chunkSections({
        heading: '*Worst roles*',
        lines: s.worst.map(
          (w) =>
            `• ${emojiFor(w.severity)} *${escapeText(w.severity.toUpperCase())}* ${inlineCode(w.role)}` +
            (w.ruleIds.length ? `: ${w.ruleIds.map(inlineCode).join(', ')}` : ''),
        ),
        maxSections: MAX_SWEEP_LIST_SECTIONS,
        more: (left) => `… and ${plural(left, 'more role')}`,
      }),
    );
  }
  blocks.push(context(['eks-trust-guard sweep', s.finishedAt ? `finished ${escapeText(s.finishedAt)}` : ''].filter(Boolean).join(' · ')));

  const outcomes = countLine(s.byOutcome, ['fixed', 'tagged', 'reported', 'exempt', 'failed']);
  return { text: clip(`${escapeText(title)} (${outcomes})`, SLACK_LIMITS.fallbackText), blocks: fitBlocks(blocks) };
}

// ------------------------------------------------------------------ alarms and the rest

const ALARM_EMOJI: Record<string, string> = { ALARM: ':rotating_light:', OK: ':white_check_mark:' };

export function alarmMessage(a: AlarmView): SlackMessage {
  const title = `${a.NewStateValue}: ${a.AlarmName}`;
  const lines = [a.AlarmDescription ? escapeText(a.AlarmDescription) : '', a.NewStateReason ? `_${escapeText(a.NewStateReason)}_` : ''].filter(Boolean);
  const blocks: SlackBlock[] = [header(`${ALARM_EMOJI[a.NewStateValue] ?? ':grey_question:'} ${title}`)];
  if (lines.length) blocks.push(section(lines.join('\n')));
  blocks.push(
    context(
      ['CloudWatch alarm', a.AWSAccountId ? `account ${escapeText(a.AWSAccountId)}` : '', a.Region ? escapeText(a.Region) : '', a.StateChangeTime ? escapeText(a.StateChangeTime) : '']
        .filter(Boolean)
        .join(' · '),
    ),
  );
  return { text: clip(escapeText(title), SLACK_LIMITS.fallbackText), blocks };
}

/** A short plain message for a notification that cannot be displayed (no blocks). */
export function unreadableMessage(info: { reason: string; messageId?: string; subject?: string | null }): SlackMessage {
  const subject = info.subject ? ` Subject: "${escapeText(info.subject)}".` : '';
  const id = info.messageId ? ` SNS message ${escapeText(info.messageId)}.` : '';
  return { text: clip(`:warning: eks-trust-guard could not display a notification: ${escapeText(info.reason)}.${subject}${id} See the slackNotifier logs.`, SLACK_LIMITS.fallbackText) };
}

/**
 * The same message as plain text only, for when Slack rejects the blocks (`invalid_blocks`):
 * the fallback text plus every section's text, cut to the fallback limit.
 */
export function textOnly(message: SlackMessage): SlackMessage {
  const parts = [message.text];
  for (const b of message.blocks ?? []) {
    if (b.type === 'section' && b.text) parts.push(b.text.text);
  }
  return { text: clip(parts.join('\n'), SLACK_LIMITS.fallbackText) };
}

/** Never more than 50 blocks: keep the first 49 and say that the rest was left out. */
export function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  return [...kept, context(`_… ${plural(blocks.length - kept.length, 'more block')} not shown_`)];
}
