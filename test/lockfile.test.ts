import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm ci` refuses a lock that lacks an optional platform package of a dependency (npm leaves
 * them out when the registry mirror does not serve them). scripts/lockfile-platforms.js adds
 * them; this test says when it must be run again after a dependency change.
 */
describe('package-lock.json', () => {
  it('lists every optional dependency of every locked package (run scripts/lockfile-platforms.js)', () => {
    const lock = JSON.parse(readFileSync(join(__dirname, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
    const missing: string[] = [];
    for (const [key, pkg] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!lock.packages[`${key}/node_modules/${dep}`] && !lock.packages[`node_modules/${dep}`]) missing.push(`${dep} (of ${key || 'the project'})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
