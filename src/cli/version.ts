// The version of weir: package.json's, read where the package is installed (dist/src/cli/ is
// three levels below the package root), so a globally installed `weir --version` tells the
// truth about the copy that runs.

import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VERSION = readVersion();
