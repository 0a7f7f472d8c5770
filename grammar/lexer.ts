// The dialect's lexer.
//
// The token types are chevrotain's (grammar/tokens.ts), and the parser consumes chevrotain
// tokens, but the text is scanned here by hand rather than by a chevrotain `Lexer`. Building
// that Lexer analyses the regular expression of each of the ~300 token types (for its
// first-character optimisation and line-break checks): about 50 ms of every process's start,
// more than lexing any query costs. The scanner below makes the same decisions as the
// patterns in tokens.ts, in the same order, and test/unit/lexer.test.ts checks it against a
// chevrotain Lexer built from those patterns (`buildLexer`) on every test query and on random
// text.
//
// Decisions, in the order the patterns are tried at each offset:
// - white space (JS `\s`), `--` line comments and `/* */` block comments are skipped;
// - binary literals `X'...'` (no doubled quotes inside);
// - strings `'...'`, quoted names `` `...` `` (a doubled quote stands for one) and `"..."`;
//   unterminated ones become the error tokens of tokens.ts;
// - numbers (`12`, `1.`, `.5`, `1e3`, `2.5E-3`), then operators and punctuation, longest first;
// - a word is scanned as an identifier, then looked up as a keyword: a keyword's pattern
//   matches only when the identifier match is no longer (chevrotain's `longer_alt`), so the
//   word is a keyword exactly when all of it is one, ignoring ASCII case;
// - characters where no token can start are reported, run by run, in `errors`.

import type { ILexingError, ILexingResult, IToken, TokenType } from 'chevrotain';
import { Lexer } from './chevrotain.js';
import * as T from './tokens.js';

/**
 * A chevrotain Lexer for the dialect's token definitions. Not used to lex: the tests build it
 * to check the definitions (`validate` runs chevrotain's checks of them, about 0.25 s) and to
 * compare the hand-written scanner with it.
 */
export function buildLexer(validate = false): InstanceType<typeof Lexer> {
  return new Lexer([...T.allTokens], {
    positionTracking: 'full',
    ensureOptimizations: validate,
    skipValidations: !validate,
  });
}

const enum C {
  Quote = 39, // '
  Backtick = 96,
  DoubleQuote = 34,
  Minus = 45,
  Slash = 47,
  Star = 42,
  Dot = 46,
  D0 = 48,
  D9 = 57,
}

/** Single-character tokens (after the two-character ones are tried). */
const SINGLE = new Map<number, TokenType>([
  ['=', T.Equals],
  ['<', T.Less],
  ['>', T.Greater],
  ['+', T.Plus],
  ['-', T.Minus],
  ['*', T.Star],
  ['/', T.Slash],
  ['%', T.Percent],
  ['(', T.LParen],
  [')', T.RParen],
  ['[', T.LBracket],
  [']', T.RBracket],
  [',', T.Comma],
  ['.', T.Dot],
  [';', T.Semicolon],
  ['?', T.Question],
  ['{', T.LBrace],
  ['}', T.RBrace],
  ['|', T.Pipe],
].map(([c, t]) => [(c as string).charCodeAt(0), t as TokenType]));

/** Two-character tokens, by their text. */
const DOUBLE = new Map<string, TokenType>([
  ['||', T.Concat],
  ['<>', T.NotEquals],
  ['!=', T.BangEquals],
  ['<=', T.LessEquals],
  ['>=', T.GreaterEquals],
  ['=>', T.Arrow],
]);

const WHITE = /\s/;
const isDigit = (c: number): boolean => c >= C.D0 && c <= C.D9;
/** `[A-Za-z_\u00C0-\uFFFF]` */
const isWordStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0xc0;
/** `[A-Za-z0-9_$\u00C0-\uFFFF]` */
const isWordPart = (c: number): boolean => isWordStart(c) || isDigit(c) || c === 36;

/** What one token's scan found: its type (undefined for skipped text) and where it ends. */
let foundType: TokenType | undefined;

/**
 * Scans the token that starts at `i`: sets `foundType` and returns the offset just past it,
 * or -1 when no token can start there.
 */
function scan(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
  // white space
  if (c <= 32 || c >= 0x80) {
    if (WHITE.test(text[i]!)) {
      let j = i + 1;
      while (j < n && WHITE.test(text[j]!)) j++;
      foundType = undefined;
      return j;
    }
  }
  if (c === C.Minus && next === C.Minus) {
    let j = i + 2;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d === 10 || d === 13) break;
    }
    foundType = undefined;
    return j;
  }
  if (c === C.Slash && next === C.Star) {
    const close = text.indexOf('*/', i + 2);
    if (close >= 0) {
      foundType = undefined;
      return close + 2;
    }
    foundType = T.UnterminatedComment;
    return n;
  }
  // `X'0AFF'`: BinaryLiteral is tried before the words (its pattern is `[xX]'[^']*'`)
  if ((c === 88 || c === 120) && next === C.Quote) {
    const close = text.indexOf("'", i + 2);
    if (close >= 0) {
      foundType = T.BinaryLiteral;
      return close + 1;
    }
  }
  if (c === C.Quote || c === C.Backtick) return quoted(text, i, c);
  if (c === C.DoubleQuote) {
    const close = text.indexOf('"', i + 1);
    foundType = T.DoubleQuoted;
    return close < 0 ? n : close + 1;
  }
  if (isDigit(c) || (c === C.Dot && isDigit(next))) return number(text, i);
  // words and punctuation start with different characters, so their order does not matter
  if (isWordStart(c)) {
    let j = i + 1;
    while (j < n && isWordPart(text.charCodeAt(j))) j++;
    foundType = keywordOf(text, i, j) ?? T.Identifier;
    return j;
  }
  if (next >= 0) {
    const two = DOUBLE.get(text.slice(i, i + 2));
    if (two !== undefined) {
      foundType = two;
      return i + 2;
    }
  }
  const one = SINGLE.get(c);
  if (one !== undefined) {
    foundType = one;
    return i + 1;
  }
  return -1;
}

/** The keyword spelled by text[i, j) in any ASCII case, if it is one. */
function keywordOf(text: string, i: number, j: number): TokenType | undefined {
  if (j - i > 32) return undefined;
  let upper = '';
  for (let k = i; k < j; k++) {
    const c = text.charCodeAt(k);
    if (c >= 0x80) return undefined; // keywords are ASCII; `/x/i` folds no other letter to ASCII
    upper += String.fromCharCode(c >= 97 && c <= 122 ? c - 32 : c);
  }
  return T.KEYWORD_TOKENS.get(upper);
}

/**
 * A string literal or quoted name opened by `q` at `i`, as the patterns `'[^']*(?:''[^']*)*'`
 * and its unterminated twin match it: doubled quotes are skipped; when the text ends inside
 * them, the regular expression backtracks, so the first quote of the last pair closes it.
 */
function quoted(text: string, i: number, q: number): number {
  const quote = q === C.Quote ? "'" : '`';
  let lastPair = -1;
  let j = i + 1;
  for (;;) {
    const k = text.indexOf(quote, j);
    if (k < 0) {
      if (lastPair >= 0) {
        foundType = q === C.Quote ? T.StringLiteral : T.QuotedIdentifier;
        return lastPair + 1;
      }
      foundType = q === C.Quote ? T.UnterminatedString : T.UnterminatedQuotedIdentifier;
      return text.length;
    }
    if (text.charCodeAt(k + 1) === q) {
      lastPair = k;
      j = k + 2;
      continue;
    }
    foundType = q === C.Quote ? T.StringLiteral : T.QuotedIdentifier;
    return k + 1;
  }
}

/** `(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?` */
function number(text: string, i: number): number {
  const n = text.length;
  let j = i;
  while (j < n && isDigit(text.charCodeAt(j))) j++;
  if (j < n && text.charCodeAt(j) === C.Dot) {
    j++;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  foundType = T.NumberLiteral;
  return j;
}

/**
 * Splits SQL text into tokens. Whitespace and comments are dropped. Never throws on bad
 * input: characters no token matches are reported in `errors`, and unterminated strings,
 * quoted identifiers and block comments come back as the error tokens listed in
 * `ERROR_TOKENS` (grammar/tokens.ts), for the caller to report.
 */
export function tokenize(text: string): ILexingResult {
  const tokens: IToken[] = [];
  const errors: ILexingError[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const end = scan(text, i);
    if (end >= 0) {
      const type = foundType;
      if (type !== undefined) {
        tokens.push({
          image: text.slice(i, end),
          startOffset: i,
          endOffset: end - 1,
          startLine: NaN,
          endLine: NaN,
          startColumn: NaN,
          endColumn: NaN,
          tokenTypeIdx: type.tokenTypeIdx!,
          tokenType: type,
        });
      }
      i = end;
      continue;
    }
    // no token starts here: skip to where one can (chevrotain's resynchronisation)
    const start = i;
    do i++;
    while (i < n && scan(text, i) < 0);
    errors.push({
      offset: start,
      line: undefined,
      column: undefined,
      length: i - start,
      message: `unexpected character: ->${text.charAt(start)}<- at offset: ${start}, skipped ${i - start} characters.`,
    });
  }
  return { tokens, errors, groups: {} };
}
