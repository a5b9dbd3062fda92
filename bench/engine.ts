/**
 * Engine throughput benchmark: a corpus of realistic EKS trust policies (the property tests'
 * arbitraries, sampled with a fixed seed, serialised to JSON text) is (a) JSON.parse'd and
 * (b) evaluate()'d as text (which includes its own parse), each with its context, in one process
 * on one core. One warm-up pass each, then REPEATS timed passes; the median is reported.
 * Targets: >= 50,000 policies/s for evaluate, and evaluate <= 5x JSON.parse.
 * A second figure (reported separately, not the target's corpus) times the same roles after their
 * fixes: the generated corpus is deliberately hostile (79% of its policies need a fix), while in
 * an account the guard already watches most roles are compliant.
 *
 * Run: node scripts/run-ts.js bench/engine.ts [--policies N] [--repeats N] [--seed N]
 * (add --expose-gc before scripts/run-ts.js for steadier heap figures).
 */
import * as path from 'node:path';
import fc from 'fast-check';
import { evaluate } from '../lib/engine';
import type { EvaluationContext } from '../lib/policy/types';
import { scenarioArb } from '../test/support/arbitraries';

export const TARGET_POLICIES_PER_SECOND = 50_000;
export const TARGET_PARSE_RATIO = 5;

export interface EngineBenchOptions {
  policies?: number;
  repeats?: number;
  seed?: number;
  /** Print the figures (default true). */
  print?: boolean;
}

export interface EngineBenchResult {
  policies: number;
  corpusBytes: number;
  repeats: number;
  /** Wall time of each timed run. */
  parseMs: number[];
  evaluateMs: number[];
  /** CPU time of each timed run. */
  parseCpuMs: number[];
  evaluateCpuMs: number[];
  parseMedianMs: number;
  evaluateMedianMs: number;
  parseCpuMedianMs: number;
  evaluateCpuMedianMs: number;
  evaluatePerSecond: number;
  parsePerSecond: number;
  /** evaluate time / JSON.parse time (wall medians). */
  ratio: number;
  /** The same from CPU time. */
  cpuRatio: number;
  /**
   * Median of each run's own evaluate / JSON.parse (the two are timed back to back): steadier
   * than the ratio of the medians when the shared machine's speed drifts. Printed beside it; the
   * target is judged on `ratio`.
   */
  pairedRatio: number;
  /** Policies whose evaluation fixes nothing, and their evaluate throughput (wall median). */
  cleanPolicies: number;
  cleanPerSecond: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  /** Corpus make-up: findings per policy, policies with a fix, policy-invalid ones. */
  findingsPerPolicy: number;
  withFix: number;
  invalid: number;
  /**
   * Second, clearly separate figure: the same roles after the guard's fixes (each policy replaced
   * by its fixed document when it had one), as in an account the guard already watches, where
   * most roles are compliant. The corpus above is left as it is.
   */
  remediated: {
    withFix: number;
    parseMedianMs: number;
    evaluateMedianMs: number;
    evaluatePerSecond: number;
    ratio: number;
  };
  /** Accumulated from every timed call so the JIT cannot drop the work. */
  checksum: number;
}

export interface Corpus {
  texts: string[];
  contexts: EvaluationContext[];
}

/** The corpus: realistic policies and their contexts, reproducible from the seed. */
export function makeCorpus(policies: number, seed: number): Corpus {
  const scenarios = fc.sample(scenarioArb(), { seed, numRuns: policies });
  return { texts: scenarios.map((s) => JSON.stringify(s.policy)), contexts: scenarios.map((s) => s.ctx) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function heapMB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

/** Sink for results so the JIT cannot drop the work. */
let sink = 0;

interface Timing {
  wallMs: number;
  /** User + system CPU time of this process: steadier than wall time on a shared machine. */
  cpuMs: number;
}

function timed(work: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  work();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

function timeParse(texts: string[]): Timing {
  return timed(() => {
    for (let i = 0; i < texts.length; i++) {
      const doc = JSON.parse(texts[i]) as { Statement?: unknown };
      if (doc.Statement) sink++;
    }
  });
}

function timeEvaluate(corpus: Corpus): Timing {
  const { texts, contexts } = corpus;
  return timed(() => {
    for (let i = 0; i < texts.length; i++) sink += evaluate(texts[i], contexts[i]).findings.length;
  });
}

export function runEngineBench(options: EngineBenchOptions = {}): EngineBenchResult {
  const policies = options.policies ?? 10_000;
  const repeats = options.repeats ?? 5;
  const seed = options.seed ?? 20_240_601;
  const print = options.print ?? true;

  const corpus = makeCorpus(policies, seed);
  const corpusBytes = corpus.texts.reduce((n, t) => n + t.length, 0);

  // Corpus make-up, and the warm-up pass of evaluate.
  let findings = 0;
  let withFix = 0;
  let invalid = 0;
  for (let i = 0; i < corpus.texts.length; i++) {
    const r = evaluate(corpus.texts[i], corpus.contexts[i]);
    findings += r.findings.length;
    if (r.fixedPolicy) withFix++;
    if (r.findings.some((f) => f.ruleId === 'policy-invalid')) invalid++;
  }
  timeParse(corpus.texts);
  const clean: Corpus = { texts: [], contexts: [] };
  for (let i = 0; i < corpus.texts.length; i++) {
    if (evaluate(corpus.texts[i], corpus.contexts[i]).fixedPolicy === null) {
      clean.texts.push(corpus.texts[i]);
      clean.contexts.push(corpus.contexts[i]);
    }
  }

  // The remediated corpus: every fix applied (the steady state of a watched account).
  const remediated: Corpus = { texts: [], contexts: corpus.contexts };
  for (let i = 0; i < corpus.texts.length; i++) {
    const fixed = evaluate(corpus.texts[i], corpus.contexts[i]).fixedPolicy;
    remediated.texts.push(fixed ? JSON.stringify(fixed) : corpus.texts[i]);
  }
  let remediatedWithFix = 0;
  for (let i = 0; i < remediated.texts.length; i++) if (evaluate(remediated.texts[i], remediated.contexts[i]).fixedPolicy) remediatedWithFix++;
  timeParse(remediated.texts);

  const heapBeforeMB = heapMB();
  const parse: Timing[] = [];
  const evaluation: Timing[] = [];
  const cleanMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    parse.push(timeParse(corpus.texts));
    evaluation.push(timeEvaluate(corpus));
    cleanMs.push(timeEvaluate(clean).wallMs);
  }
  const heapAfterMB = heapMB();
  const remediatedParseMs: number[] = [];
  const remediatedEvaluateMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    remediatedParseMs.push(timeParse(remediated.texts).wallMs);
    remediatedEvaluateMs.push(timeEvaluate(remediated).wallMs);
  }

  const parseMs = parse.map((t) => t.wallMs);
  const evaluateMs = evaluation.map((t) => t.wallMs);
  const parseCpuMs = parse.map((t) => t.cpuMs);
  const evaluateCpuMs = evaluation.map((t) => t.cpuMs);
  const parseMedianMs = median(parseMs);
  const evaluateMedianMs = median(evaluateMs);
  const result: EngineBenchResult = {
    policies,
    corpusBytes,
    repeats,
    parseMs,
    evaluateMs,
    parseCpuMs,
    evaluateCpuMs,
    parseMedianMs,
    evaluateMedianMs,
    parseCpuMedianMs: median(parseCpuMs),
    evaluateCpuMedianMs: median(evaluateCpuMs),
    evaluatePerSecond: policies / (evaluateMedianMs / 1000),
    parsePerSecond: policies / (parseMedianMs / 1000),
    ratio: evaluateMedianMs / parseMedianMs,
    cpuRatio: median(evaluateCpuMs) / median(parseCpuMs),
    pairedRatio: median(evaluateMs.map((e, i) => e / parseMs[i])),
    cleanPolicies: clean.texts.length,
    cleanPerSecond: clean.texts.length / (median(cleanMs) / 1000),
    heapBeforeMB,
    heapAfterMB,
    findingsPerPolicy: findings / policies,
    withFix,
    invalid,
    remediated: {
      withFix: remediatedWithFix,
      parseMedianMs: median(remediatedParseMs),
      evaluateMedianMs: median(remediatedEvaluateMs),
      evaluatePerSecond: policies / (median(remediatedEvaluateMs) / 1000),
      ratio: median(remediatedEvaluateMs) / median(remediatedParseMs),
    },
    checksum: sink,
  };
  if (print) printEngineBench(result);
  return result;
}

export function printEngineBench(r: EngineBenchResult): void {
  const ms = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
  const rate = Math.round(r.evaluatePerSecond);
  const rateOk = r.evaluatePerSecond >= TARGET_POLICIES_PER_SECOND;
  const ratioOk = r.ratio <= TARGET_PARSE_RATIO;
  const fastestParse = r.policies / (Math.min(...r.parseMs) / 1000);
  const lines = [
    `engine: ${r.policies} realistic trust policies (${(r.corpusBytes / 1024).toFixed(0)} KiB of JSON, ${r.findingsPerPolicy.toFixed(2)} findings/policy, ${r.withFix} with a fix, ${r.invalid} policy-invalid), median of ${r.repeats} runs after warm-up, one core`,
    `  JSON.parse          wall ${r.parseMedianMs.toFixed(1)} ms, CPU ${r.parseCpuMedianMs.toFixed(1)} ms  (${Math.round(r.parsePerSecond)} policies/s; wall runs ${ms(r.parseMs)})`,
    `  evaluate(text, ctx) wall ${r.evaluateMedianMs.toFixed(1)} ms, CPU ${r.evaluateCpuMedianMs.toFixed(1)} ms  (${rate} policies/s; wall runs ${ms(r.evaluateMs)})`,
    `  of which the ${r.cleanPolicies} policies with nothing to fix: ${Math.round(r.cleanPerSecond)} policies/s`,
    `  throughput ${rate} policies/s, target >= ${TARGET_POLICIES_PER_SECOND}: ${rateOk ? 'met' : 'NOT MET'}`,
    `  evaluate / JSON.parse = ${r.ratio.toFixed(1)}x wall, ${r.cpuRatio.toFixed(1)}x CPU, target <= ${TARGET_PARSE_RATIO}x: ${ratioOk ? 'met' : 'NOT MET'} (median of the runs' own ratios: ${r.pairedRatio.toFixed(1)}x)`,
    // The two targets are tied by this core's JSON.parse speed, which drifts on a shared machine:
    // its fastest run, and the paired ratio (steady under drift), say what 50,000/s takes.
    `  on this core (fastest JSON.parse run: ${Math.round(fastestParse)} policies/s), ${TARGET_POLICIES_PER_SECOND} policies/s means evaluate <= ${(fastestParse / TARGET_POLICIES_PER_SECOND).toFixed(1)}x JSON.parse; at this run's paired ${r.pairedRatio.toFixed(1)}x it takes a core whose JSON.parse reads >= ${Math.round((TARGET_POLICIES_PER_SECOND * r.pairedRatio) / 1000) * 1000} policies/s (the two targets agree where it reads ${TARGET_POLICIES_PER_SECOND * TARGET_PARSE_RATIO})`,
    `  second figure, not the target's corpus: the same ${r.policies} roles after their fixes (each policy replaced by its fixed document; ${r.remediated.withFix} still with a fix), as in an account the guard already watches where most roles are compliant:`,
    `    evaluate ${Math.round(r.remediated.evaluatePerSecond)} policies/s (wall ${r.remediated.evaluateMedianMs.toFixed(1)} ms), ${r.remediated.ratio.toFixed(1)}x JSON.parse of that corpus (${r.remediated.parseMedianMs.toFixed(1)} ms)`,
    `  heapUsed ${r.heapBeforeMB.toFixed(1)} MB before the timed runs, ${r.heapAfterMB.toFixed(1)} MB after${(globalThis as { gc?: unknown }).gc ? ' (after gc)' : ' (no --expose-gc: includes garbage)'}`,
  ];
  console.log(lines.join('\n'));
}

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

if (path.resolve(process.argv[1] ?? '') === __filename) {
  runEngineBench({ policies: flag('--policies'), repeats: flag('--repeats'), seed: flag('--seed') });
}
