// JSON files as DuckDB reads them exactly (`weir verify`).
//
// DuckDB's JSON reader parses a JSON number that is not a plain integer through a double,
// whatever type the column is given (VARCHAR, DECIMAL, JSON alike): 12345678901234567890.123 in a
// DECIMAL(38, 3) column reads as 12345678901234567741.440. weir's json format reads the text
// exactly. So that both sides see the same values, a file holding such a number (more than 15
// significant digits, or a plain integer of more than 19 digits) is handed to DuckDB as a copy
// in which those number tokens are JSON strings. DuckDB converts a string to the column's
// type exactly (DECIMAL, DOUBLE, VARCHAR, nested fields too). Files without one, the common
// case, are read in place. Copies keep their absolute path below a temporary directory, so
// hive partition directories (`k=v`) still name the partitions. They are removed on exit.
// Files beyond 256 MB are read in place (not copied).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { rewriteJsonNumbers } from '../common/json-numbers.js';

let copies: string | null = null;

function copyDir(): string {
  if (copies === null) {
    const dir = mkdtempSync(join(tmpdir(), 'weir-verify-json-'));
    copies = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return copies;
}

/** The number tokens of JSON text that DuckDB would round, as strings; the text unchanged when there are none. */
export function quoteInexactNumbers(text: string): string {
  return rewriteJsonNumbers(text, (token) => {
    const mantissa = token.split(/[eE]/)[0]!.replace(/^-/, '');
    const significant = mantissa.replace('.', '').replace(/^0+/, '').length;
    const plainInteger = /^-?\d+$/.test(token);
    return (plainInteger && mantissa.length > 19) || (!plainInteger && significant > 15) ? `"${token}"` : undefined;
  });
}

/** The files for DuckDB's read_json: each file itself, or its exact copy (see above). */
export function exactJsonFiles(files: readonly string[]): string[] {
  return files.map((f) => {
    // compressed or very large files are read in place, as before
    if (f.endsWith('.gz') || f.endsWith('.zst') || statSync(f).size > 256 * 1024 * 1024) return f;
    const text = readFileSync(f, 'utf8');
    if (!/[0-9.]{16}/.test(text)) return f;
    const fixed = quoteInexactNumbers(text);
    if (fixed === text) return f;
    const copy = join(copyDir(), resolve(f));
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, fixed);
    return copy;
  });
}
