// The error taxonomy (after DataFusion): every error a user can meet is a WeirError of one
// kind, carrying a source span and a hint where one helps. The CLI prints these like a
// compiler; anything that is not a WeirError reaching the top is a bug and says so.

import { isSensitiveKey, maskSqlSecrets, maskUrlPassword } from './secrets.js';

export interface Span {
  /** Offset of the first character (0-based, in UTF-16 code units of the source text). */
  readonly start: number;
  /** Offset one past the last character. */
  readonly end: number;
}

export interface SourceText {
  /** File path as the user gave it, or a label such as `<repl>`. */
  readonly name: string;
  readonly text: string;
}

export type ErrorKind =
  | 'parse' // SQL syntax
  | 'bind' // names, types
  | 'plan' // valid SQL the planner rejects (e.g. updating result into an append-only sink)
  | 'not-supported' // parses, but weir cannot run it (yet)
  | 'data' // malformed input data (file:line)
  | 'execution' // a failure while running (I/O, limits)
  | 'usage' // command line
  | 'checkpoint' // checkpoint storage or restore
  | 'internal'; // a bug in weir

export class WeirError extends Error {
  readonly kind: ErrorKind;
  readonly span: Span | undefined;
  readonly hint: string | undefined;
  source: SourceText | undefined;
  /**
   * The failure would repeat on every attempt (it is in the data, e.g. a value a CAST cannot
   * convert): an automatic restart (src/exec/restart-strategy.ts) would only loop.
   */
  readonly permanent: boolean;

  constructor(kind: ErrorKind, message: string, opts: { span?: Span | undefined; hint?: string | undefined; source?: SourceText | undefined; cause?: unknown; permanent?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WeirError';
    this.kind = kind;
    this.span = opts.span;
    this.hint = opts.hint;
    this.source = opts.source;
    this.permanent = opts.permanent === true;
  }

  /** Attaches the source text if the error does not have one yet. */
  withSource(source: SourceText): this {
    this.source ??= source;
    return this;
  }
}

/** maskSqlSecrets, but each masked value keeps its length (stars), so columns after it stay put. */
function maskSqlSecretsKeepingWidth(line: string): string {
  const masked = maskSqlSecrets(line);
  if (masked === line) return line;
  return line.replace(/'((?:[^']|'')*)'(\s*=\s*)'((?:[^']|'')*)'/g, (all, key: string, eq: string, value: string) => {
    const m = maskSqlSecrets(all);
    if (m === all) return all;
    return `'${key}'${eq}'${isSensitiveKey(key) ? '*'.repeat(value.length) : maskUrlPassword(value)}'`;
  });
}

export function parseError(message: string, span?: Span, hint?: string): WeirError {
  return new WeirError('parse', message, { span, hint });
}

export function bindError(message: string, span?: Span, hint?: string): WeirError {
  return new WeirError('bind', message, { span, hint });
}

export function planError(message: string, span?: Span, hint?: string): WeirError {
  return new WeirError('plan', message, { span, hint });
}

export function notSupported(what: string, span?: Span, hint?: string): WeirError {
  return new WeirError('not-supported', `${what} is not supported yet`, { span, hint });
}

export function internalError(message: string): WeirError {
  return new WeirError('internal', `internal error: ${message} (this is a bug in weir)`);
}

export function assertNever(x: never, what = 'value'): never {
  throw internalError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Line and column (both 1-based) of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number; lineStart: number; lineEnd: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  return { line, column: offset - lineStart + 1, lineStart, lineEnd };
}

/**
 * Formats an error like a compiler:
 *
 *   error: column 'pricee' not found in bid
 *    --> q.sql:3:8
 *     |
 *   3 | SELECT pricee FROM bid
 *     |        ^^^^^^
 *     = hint: did you mean 'price'?
 */
export function formatError(err: WeirError, color: (s: string, c: 'red' | 'blue' | 'bold' | 'cyan') => string = (s) => s): string {
  const label = err.kind === 'internal' ? 'internal error' : 'error';
  const lines: string[] = [`${color(label + ':', 'red')} ${color(err.message.replace(/^internal error: /, ''), 'bold')}`];
  if (err.span !== undefined && err.source !== undefined) {
    const { text, name } = err.source;
    const { line, column, lineStart, lineEnd } = lineColumn(text, err.span.start);
    const gutter = String(line).length;
    const pad = ' '.repeat(gutter);
    // a password written in the statement never reaches the terminal (same length: the caret still fits)
    const src = maskSqlSecretsKeepingWidth(text.slice(lineStart, lineEnd).replace(/\t/g, ' '));
    const spanEnd = Math.min(Math.max(err.span.end, err.span.start + 1), lineEnd === lineStart ? lineStart + 1 : lineEnd);
    const width = Math.max(1, spanEnd - err.span.start);
    lines.push(`${pad}${color('-->', 'blue')} ${name}:${line}:${column}`);
    lines.push(`${pad} ${color('|', 'blue')}`);
    lines.push(`${color(String(line), 'blue')} ${color('|', 'blue')} ${src}`);
    lines.push(`${pad} ${color('|', 'blue')} ${' '.repeat(column - 1)}${color('^'.repeat(width), 'red')}`);
    if (err.hint !== undefined) lines.push(`${pad} ${color('=', 'blue')} hint: ${err.hint}`);
  } else if (err.hint !== undefined) {
    lines.push(`  = hint: ${err.hint}`);
  }
  return lines.join('\n');
}

/** Levenshtein distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/** The closest candidate to `name` (case-insensitive), if close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(name.length, 3) / 3));
  return bestD <= limit ? best : undefined;
}

/** An error as plain data, to cross a thread boundary. */
export interface WireError {
  readonly weir: boolean;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly hint: string | undefined;
  readonly span: Span | undefined;
  readonly source: SourceText | undefined;
  readonly stack: string | undefined;
  readonly permanent?: boolean;
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof WeirError) return { weir: true, kind: e.kind, message: e.message, hint: e.hint, span: e.span, source: e.source, stack: e.stack, permanent: e.permanent };
  const err = e instanceof Error ? e : new Error(String(e));
  return { weir: false, kind: 'internal', message: err.message, hint: undefined, span: undefined, source: undefined, stack: err.stack };
}

export function errorFromWire(w: WireError): Error {
  if (w.weir) return new WeirError(w.kind, w.message, { hint: w.hint, span: w.span, source: w.source, permanent: w.permanent === true });
  const e = new Error(w.message);
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

/** The stack's frames without its first lines, which repeat the message. */
export function stackFrames(e: Error): string {
  const stack = e.stack ?? '';
  const head = `${e.name}: ${e.message}`;
  const frames = stack.startsWith(head) ? stack.slice(head.length).replace(/^\n/, '') : stack;
  return frames === '' ? '' : `${frames}\n`;
}
