// Builds dist/ once before the tests, as `npm run build` does (tsc, then the CLI's bundle), so
// tests that start the real `weir` command run the code under test, and the bundled start path
// that users run, not a stale build.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { stdio: 'inherit', cwd: root });
}
