/**
 * infra/esbuild-plugins.js (serverless.yml custom.esbuild.plugins): the SDK clients' package.json
 * is served as its version alone, which is all the clients read (their User-Agent).
 */
import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
const plugins = require(path.join(ROOT, 'infra/esbuild-plugins.js'));

async function bundle(source: string): Promise<string> {
  const r = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    plugins,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

describe('esbuild plugins', () => {
  it('serve an SDK client its package.json as the version alone', async () => {
    const { version } = require('@aws-sdk/client-sns/package.json') as { version: string };
    const out = await bundle('import p from "@aws-sdk/client-sns/package.json"; module.exports = p;');
    const mod: { exports: unknown } = { exports: {} };
    new Function('module', 'exports', 'require', out)(mod, mod.exports, require);
    expect(mod.exports).toEqual({ version });
    expect(out).not.toContain('dependencies');
  });

  it('leave other JSON whole', async () => {
    const out = await bundle('module.exports = require("./package.json");');
    const mod: { exports: { name?: string; scripts?: unknown } } = { exports: {} };
    new Function('module', 'exports', 'require', out)(mod, mod.exports, require);
    expect(mod.exports.name).toBe('eks-trust-guard');
    expect(mod.exports.scripts).toBeDefined();
  });
});
