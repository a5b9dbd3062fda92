#!/usr/bin/env node
/**
 * eks-trust-guard: offline checker of EKS trust policies. Runs the prebuilt bundle dist/cli.js
 * (built by `npm ci` through the "prepare" script); in a source checkout it rebuilds the bundle
 * first when it is missing or older than lib/, so it never runs stale code.
 */
'use strict';
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUILD_SCRIPT = path.join(ROOT, 'scripts', 'build-cli.js');
let bundle = path.join(ROOT, 'dist', 'cli.js');

let builder = null;
try {
  builder = require(BUILD_SCRIPT);
} catch {
  // An installed package without the build script: dist/cli.js is all there is.
}
if (builder && builder.isStale()) {
  try {
    bundle = builder.buildCli();
  } catch (e) {
    const why = e && e.message ? e.message : String(e);
    if (!require('node:fs').existsSync(bundle)) {
      process.stderr.write(`eks-trust-guard: dist/cli.js is missing and could not be built (${why}); run "npm run build"\n`);
      process.exit(2);
    }
    process.stderr.write(`eks-trust-guard: warning: could not rebuild dist/cli.js from lib/ (${why.split('\n')[0]}); running the previous build\n`);
  }
}

require(bundle)
  .run(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`eks-trust-guard: internal error: ${e && e.stack ? e.stack : e}\n`);
      process.exitCode = 2;
    },
  );
