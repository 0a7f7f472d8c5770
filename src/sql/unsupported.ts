// Flink statements and clauses weir does not support yet, recognised in the tokens of a
// statement the grammar rejected, so the user reads "CREATE CATALOG is not supported yet"
// rather than "unexpected 'CATALOG'".
//
// The scan runs only after a syntax error, and a construct is blamed only when the parser
// failed inside it (at one of its tokens or the token right after it). So a construct the
// grammar learns later is never reported here, even while it is still listed, and a real
// typo next to a supported construct keeps its ordinary syntax error. When the parser did
// fail inside one, every unsupported construct of the statement is listed, not only the first.

import type { IToken } from 'chevrotain';
import { lineColumn, WeirError, type Span } from '../common/errors.js';

interface Construct {
  /** What the error names, e.g. `CREATE CATALOG`; empty: the matched words. */
  readonly name: string;
  /** Word sequence; an entry of `?` form is optional, `|` separates alternatives. */
  readonly words: readonly string[];
  /** Only at the start of a statement. */
  readonly statement: boolean;
  readonly hint?: string;
}

const stmt = (name: string, words: string, hint?: string): Construct => ({ name, words: words.split(' '), statement: true, ...(hint !== undefined ? { hint } : {}) });
const clause = (name: string, words: string, hint?: string): Construct => ({ name, words: words.split(' '), statement: false, ...(hint !== undefined ? { hint } : {}) });

/** Longer patterns first where two share a start. */
const CONSTRUCTS: readonly Construct[] = [
  stmt('ALTER FUNCTION', 'ALTER TEMPORARY? SYSTEM? FUNCTION'),
  stmt('ALTER CATALOG', 'ALTER CATALOG'),
  stmt('USE MODULES', 'USE MODULES'),
  stmt('ANALYZE TABLE', 'ANALYZE TABLE?'),
  stmt('LOAD MODULE', 'LOAD MODULE'),
  stmt('UNLOAD MODULE', 'UNLOAD MODULE'),
  stmt('ADD JAR', 'ADD JAR', 'weir runs JavaScript, not Java'),
  stmt('REMOVE JAR', 'REMOVE JAR'),
  stmt('', 'SHOW MODULES|JARS|COLUMNS|PARTITIONS|PROCEDURES|MODELS'),
  stmt('', 'DESCRIBE|DESC CATALOG|DATABASE|FUNCTION|JOB|MODEL'),
  stmt('TRUNCATE TABLE', 'TRUNCATE TABLE'),
  stmt('DELETE', 'DELETE FROM', 'a stream is not updated in place; filter it in a view instead'),
  stmt('UPDATE', 'UPDATE', 'a stream is not updated in place; compute the new values in a view instead'),
  stmt('CALL', 'CALL'),
  stmt('CREATE MODEL', 'CREATE TEMPORARY? MODEL'),
  stmt('REPLACE TABLE ... AS', 'REPLACE TABLE'),
  stmt('CREATE OR REPLACE TABLE ... AS', 'CREATE OR REPLACE TABLE'),
  stmt('INSERT OVERWRITE', 'INSERT OVERWRITE'),
  stmt('EXECUTE a single statement', 'EXECUTE INSERT|SELECT', 'run the statement without EXECUTE'),
  stmt('SHOW JOB', 'SHOW JOB'),
  clause('DISTRIBUTED BY', 'DISTRIBUTED BY|INTO'),
  clause('a PARTITION clause', 'PARTITION ('),
  clause('COMMENT', 'COMMENT STRING'),
];

/** A word token's upper-cased text, or the token's image for punctuation; strings are `STRING`. */
function word(t: IToken): string {
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(t.image)) return t.image.toUpperCase();
  if (t.image.startsWith("'")) return 'STRING';
  return t.image;
}

/** Matches `c` at token i; returns the index after the match, or -1. */
function matchAt(c: Construct, words: readonly string[], i: number): number {
  let j = i;
  for (const w of c.words) {
    const optional = w.endsWith('?');
    const alts = (optional ? w.slice(0, -1) : w).split('|');
    const cur = words[j];
    if (cur !== undefined && (alts.includes(cur) || (alts[0] === '*' && cur !== '('))) j++;
    else if (!optional) return -1;
  }
  return j;
}

export interface UnsupportedUse {
  readonly name: string;
  readonly span: Span;
  readonly hint: string | undefined;
}

/** Every unsupported construct in tokens [first, last]. */
export function findUnsupported(tokens: readonly IToken[], first: number, last: number): { use: UnsupportedUse; from: number; to: number }[] {
  const words = tokens.slice(first, last + 1).map(word);
  const out: { use: UnsupportedUse; from: number; to: number }[] = [];
  for (let i = 0; i < words.length; i++) {
    for (const c of CONSTRUCTS) {
      if (c.statement && i !== 0) continue;
      const end = matchAt(c, words, i);
      if (end < 0) continue;
      const a = tokens[first + i]!;
      const b = tokens[first + end - 1]!;
      const name = c.name !== '' ? c.name : words.slice(i, end).join(' ');
      out.push({ use: { name, span: { start: a.startOffset, end: (b.endOffset ?? b.startOffset) + 1 }, hint: c.hint }, from: first + i, to: first + end - 1 });
      i = end - 1;
      break;
    }
  }
  return out;
}

/**
 * The not-supported error for a statement the parser failed in at token `failed` (an index
 * into `tokens`, or tokens.length at the end), or undefined when the failure is not inside an
 * unsupported construct (an ordinary syntax error).
 */
export function unsupportedError(tokens: readonly IToken[], first: number, last: number, failed: number, text: string): WeirError | undefined {
  const found = findUnsupported(tokens, first, last);
  if (!found.some((f) => failed >= f.from && failed <= f.to + 1)) return undefined;
  const [one] = found;
  if (found.length === 1 && one !== undefined) return new WeirError('not-supported', `${one.use.name} is not supported yet`, { span: one.use.span, hint: one.use.hint });
  const at = (s: Span): string => {
    const lc = lineColumn(text, s.start);
    return `${lc.line}:${lc.column}`;
  };
  const list = found.map((f) => `${f.use.name} (at ${at(f.use.span)})`).join(', ');
  return new WeirError('not-supported', `this statement uses ${found.length} things weir does not support yet: ${list}`, { span: found[0]!.use.span, hint: found.find((f) => f.use.hint !== undefined)?.use.hint });
}
