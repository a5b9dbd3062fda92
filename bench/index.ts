/**
 * `npm run bench`: engine throughput, CLI start-up, the iamEvents Lambda (bundle, init, AWS calls
 * per event), the API over serverless-offline and the sweep of 5,000 roles (both against moto).
 * Benchmarks print figures; nothing here asserts. `npm run bench -- --quick` skips the two slow
 * emulator benchmarks (API, sweep).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runEngineBench } from './engine';

interface CliBenchModule {
  runCliBench?: () => unknown;
}

interface CliBenchFigures {
  roles?: number;
  runs?: number;
  format?: string;
  templateBytes?: number;
  timesMs?: number[];
  medianMs?: number;
  maxMs?: number;
  targetMs?: number;
  cpuMs?: number[] | null;
  findings?: number;
  exitCode?: number | null;
}

function printCli(r: CliBenchFigures): void {
  const verdict = r.medianMs !== undefined && r.targetMs !== undefined ? (r.medianMs <= r.targetMs && (r.maxMs ?? 0) <= r.targetMs ? 'met' : 'NOT MET') : 'unknown';
  console.log(
    [
      `cli: eks-trust-guard check --json over ${r.roles} roles (${r.format}, ${((r.templateBytes ?? 0) / 1024).toFixed(0)} KiB), ${r.runs} runs, Node start-up included`,
      `  wall median ${r.medianMs} ms, max ${r.maxMs} ms (runs ${(r.timesMs ?? []).join(', ')} ms)${r.cpuMs ? `; CPU ${r.cpuMs.join(', ')} ms` : ''}`,
      `  target <= ${r.targetMs} ms: ${verdict}; ${r.findings} findings, exit ${r.exitCode}`,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  runEngineBench();
  const cliBench = path.join(__dirname, 'cli.ts');
  if (!fs.existsSync(cliBench)) {
    console.log('cli: bench/cli.ts not present, skipped');
    return;
  }
  const mod = require(cliBench) as CliBenchModule;
  if (typeof mod.runCliBench !== 'function') {
    console.log('cli: bench/cli.ts does not export runCliBench, skipped');
    return;
  }
  const result = (await mod.runCliBench()) as CliBenchFigures | undefined;
  if (result && typeof result === 'object') printCli(result);

  const { runLambdaBench, formatLambdaBench } = await import('./lambda');
  console.log(formatLambdaBench(await runLambdaBench()));
  if (process.argv.includes('--quick')) return;
  const { runApiBench, formatApiBench } = await import('./api');
  console.log(formatApiBench(await runApiBench()));
  const { runSweepBench, formatSweepBench } = await import('./sweep');
  console.log(formatSweepBench(await runSweepBench()));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
