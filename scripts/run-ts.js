#!/usr/bin/env node
// Run a TypeScript entry point directly (demo, benchmarks): swc compiles on the fly.
require('@swc-node/register');
const path = require('node:path');
const [, , entry, ...rest] = process.argv;
if (!entry) {
  console.error('usage: node scripts/run-ts.js FILE.ts [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
