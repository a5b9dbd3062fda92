#!/usr/bin/env node
/**
 * Bundle the offline checker (lib/cli/main.ts and everything it imports) into dist/cli.js, so
 * that bin/eks-trust-guard.js starts without compiling TypeScript. Run by `npm ci` / `npm install`
 * (the "prepare" script) and by the bin itself when dist/cli.js is missing or older than lib/.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'lib', 'cli', 'main.ts');
const OUTFILE = path.join(ROOT, 'dist', 'cli.js');
/** Sources whose change makes dist/cli.js stale. */
const SOURCES = [path.join(ROOT, 'lib'), path.join(ROOT, 'package.json'), path.join(ROOT, 'scripts', 'build-cli.js')];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** True when dist/cli.js is missing or older than any source (only checked where lib/ exists). */
function isStale() {
  let built;
  try {
    built = fs.statSync(OUTFILE).mtimeMs;
  } catch {
    return true;
  }
  if (!fs.existsSync(ENTRY)) return false;
  return SOURCES.some((s) => newestMtime(s) > built);
}

/** Build synchronously; the file is replaced atomically so a concurrent reader never sees half of it. */
function buildCli() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: OUTFILE,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  fs.mkdirSync(path.dirname(OUTFILE), { recursive: true });
  const tmp = `${OUTFILE}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, OUTFILE);
  return OUTFILE;
}

module.exports = { buildCli, isStale, OUTFILE };

if (require.main === module) {
  try {
    require.resolve('esbuild');
  } catch {
    // `npm ci --omit=dev` runs "prepare" too: without esbuild there is nothing to build with,
    // and failing here would fail the whole install.
    console.warn('build-cli: esbuild is not installed (dev dependency); dist/cli.js not built');
    process.exit(0);
  }
  try {
    const out = buildCli();
    console.log(`built ${path.relative(process.cwd(), out)}`);
  } catch (e) {
    console.error(`build-cli: ${e && e.message ? e.message : e}`);
    process.exit(1);
  }
}
