import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm ci` (npm 11) refuses a lock file that lacks any optional dependency of a locked package,
// even one for another platform. The registry here lacks some of those builds, so `npm install`
// drops them; scripts/complete-lockfile.mjs puts them back. This catches a lock that lost them.
describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
    packages: Record<string, { optionalDependencies?: Record<string, string>; os?: string[] }>;
  };

  it('lists every optional dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      if (path === '' || pkg.optionalDependencies === undefined) continue;
      for (const name of Object.keys(pkg.optionalDependencies)) {
        if (lock.packages[`${path}/node_modules/${name}`] === undefined && lock.packages[`node_modules/${name}`] === undefined) {
          missing.push(`${name} (of ${path})`);
        }
      }
    }
    expect(missing, 'run: node scripts/complete-lockfile.mjs').toEqual([]);
  });

  it('marks platform builds with the platform they are for', () => {
    const darwin = lock.packages['node_modules/@duckdb/node-bindings-darwin-arm64'];
    expect(darwin?.os).toEqual(['darwin']);
  });
});
