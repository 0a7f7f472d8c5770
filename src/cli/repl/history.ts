// The REPL's persistent history: `~/.weir_history` (or $WEIR_HISTORY), one statement per
// line, oldest first, as bash and psql keep theirs. A statement typed over several lines is
// kept as one entry with its lines joined by spaces, so Up recalls it whole.

import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { maskSqlSecrets } from '../../common/secrets.js';

export const HISTORY_SIZE = 1000;

export function historyPath(): string {
  return process.env.WEIR_HISTORY ?? join(homedir(), '.weir_history');
}

export class History {
  /** Newest first, as Node's readline wants it. */
  readonly entries: string[];

  constructor(private readonly path: string | null) {
    this.entries = path === null ? [] : load(path);
  }

  /**
   * Records a statement (or meta-command) the user ran; `lines` is how many input lines it
   * took: readline put each of them in `entries` already, and they are replaced by the whole.
   */
  add(text: string, lines: number): void {
    const entry = text.replace(/\s*\n\s*/g, ' ').trim();
    this.entries.splice(0, Math.min(lines, this.entries.length));
    if (entry === '') return;
    const dup = this.entries.indexOf(entry);
    if (dup >= 0) this.entries.splice(dup, 1);
    this.entries.unshift(entry);
    if (this.entries.length > HISTORY_SIZE) this.entries.length = HISTORY_SIZE;
    if (this.path === null) return;
    try {
      // a password typed in a statement stays in this session's memory, never in the file
      appendFileSync(this.path, `${maskSqlSecrets(entry)}\n`);
    } catch {
      // history is a convenience: an unwritable file must not break the session
    }
  }

  /** Rewrites the file with the kept entries (drops duplicates and old ones). */
  compact(): void {
    if (this.path === null) return;
    try {
      writeFileSync(this.path, [...this.entries].reverse().map((e) => `${maskSqlSecrets(e)}\n`).join(''));
    } catch {
      // as above
    }
  }
}

function load(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const seen = new Set<string>();
    const out: string[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < HISTORY_SIZE; i--) {
      const l = lines[i]!;
      if (seen.has(l)) continue;
      seen.add(l);
      out.push(l);
    }
    return out;
  } catch {
    return [];
  }
}
