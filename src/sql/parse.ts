// The public entry points of the SQL front end: text -> tokens -> CST -> typed AST, and
// syntax errors a person can act on.
//
// A syntax error names the offending token and says, in plain words, what could have come
// there instead: `unexpected 'FORM'` / `expected FROM, WHERE, GROUP BY, ... or ';'`. The
// expected set is computed from the grammar itself (chevrotain's content assist over the
// tokens before the error), then grouped (every token that can start an expression is
// "an expression", every infix operator "an operator") and ordered so the likely intent
// comes first. Two refinements make the position right:
// - An LL(k) parser can stop at the first token of a k-token decision although that token
//   is fine and a later one is wrong; the reported token is the first one the grammar
//   cannot accept after the tokens before it.
// - A misspelt keyword often parses as an alias (`SELECT a FORM t` reads FORM as the alias
//   of `a` and fails at `t`). When the token before the failure is a plain identifier close
//   to a keyword that was possible in its place, the error points at that identifier.

import type { ILexingError, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { createTokenInstance, tokenMatcher } from '../../grammar/chevrotain.js';
import { parseError, WeirError, type SourceText, type Span } from '../common/errors.js';
import { tokenize } from '../../grammar/lexer.js';
import { sqlParser } from '../../grammar/parser.js';
import * as T from '../../grammar/tokens.js';
import type { Statement } from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import { unsupportedError } from './unsupported.js';

export { KEYWORDS, RESERVED_WORDS } from '../../grammar/tokens.js';

const cstToAst = new CstToAst();

/**
 * Parses a whole script: statements separated by `;` (the last `;` optional, empty
 * statements ignored). Each statement's `span` covers its text, without the `;`.
 * Throws a WeirError of kind 'parse' (with the source attached) on a syntax error.
 */
export function parseScript(source: SourceText): Statement[] {
  try {
    const tokens = lex(source.text);
    sqlParser.input = tokens;
    const cst = sqlParser.script();
    const error = sqlParser.errors[0];
    if (error !== undefined) throw syntaxError(tokens, error, source.text);
    return cstToAst.convertScript(cst, source.text);
  } catch (e) {
    if (e instanceof WeirError) throw e.withSource(source);
    throw e;
  }
}

/** Parses text that must hold exactly one statement (a trailing `;` is allowed). */
export function parseStatement(source: SourceText): Statement {
  const statements = parseScript(source);
  const [first, second] = statements;
  if (first === undefined) {
    const end = source.text.length;
    throw parseError('expected a statement', { start: end, end }, 'the text holds only whitespace and comments').withSource(source);
  }
  if (second !== undefined) {
    throw parseError('expected a single statement', second.span, 'run the statements one at a time, or run them as a script').withSource(source);
  }
  return first;
}

/** The text of a statement, as written (without its terminating `;`). */
export function statementText(source: SourceText, statement: Statement): string {
  return source.text.slice(statement.span.start, statement.span.end);
}

// ---------------------------------------------------------------------------------------
// Lexing

function lex(text: string): IToken[] {
  const { tokens, errors } = tokenize(text);
  const badToken = tokens.find((t) => T.ERROR_TOKENS.includes(t.tokenType));
  const lexError: ILexingError | undefined = errors[0];
  if (lexError !== undefined && (badToken === undefined || lexError.offset < badToken.startOffset)) {
    const chars = text.slice(lexError.offset, lexError.offset + lexError.length);
    throw parseError(
      `unexpected character${chars.length > 1 ? 's' : ''} '${chars}'`,
      { start: lexError.offset, end: lexError.offset + lexError.length },
      'this is not part of the SQL syntax (inside a string literal any character is allowed)',
    );
  }
  if (badToken !== undefined) {
    const at: Span = { start: badToken.startOffset, end: badToken.startOffset + 1 };
    switch (badToken.tokenType) {
      case T.UnterminatedString:
        throw parseError('unterminated string literal', at, "end the string with ' (write '' for a quote inside a string)");
      case T.UnterminatedQuotedIdentifier:
        throw parseError('unterminated quoted identifier', at, 'end the name with ` (write `` for a backtick inside a name)');
      case T.UnterminatedComment:
        throw parseError('unterminated block comment', { start: badToken.startOffset, end: badToken.startOffset + 2 }, 'end the comment with */');
      default:
        throw parseError(
          'double quotes are not used in this dialect',
          { start: badToken.startOffset, end: (badToken.endOffset ?? badToken.startOffset) + 1 },
          "write strings in single quotes ('text') and quoted names in backticks (`name`)",
        );
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------
// Splitting (for the REPL)

export interface StatementChunk {
  /** The statement's text, from its first token to its terminating `;` (included) if any. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Ends with its `;`: a REPL can run it. False while the user is still typing. */
  readonly complete: boolean;
}

/**
 * Splits text into statements on `;` outside strings, quoted identifiers and comments,
 * using the same lexer as the parser. A statement set (`EXECUTE STATEMENT SET BEGIN ...;
 * ...; END;` or `BEGIN STATEMENT SET; ...; END;`) is one chunk, complete only after the `;`
 * that follows its END. Chunks holding only comments are dropped; an unterminated string or
 * comment makes the last chunk incomplete. Never throws.
 */
export function splitStatements(text: string): StatementChunk[] {
  const { tokens, errors } = tokenize(text);
  // Characters no token matched still belong to a statement (the parser will report them).
  const items: { start: number; end: number; type: TokenType | undefined }[] = [
    ...tokens.map((t) => ({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1, type: t.tokenType })),
    ...errors.map((e) => ({ start: e.offset, end: e.offset + e.length, type: undefined })),
  ].sort((a, b) => a.start - b.start);
  return statementRanges(items.map((i) => i.type)).map(({ first, last, terminated }) => {
    const start = items[first]?.start ?? 0;
    const end = items[last]?.end ?? start;
    return { text: text.slice(start, end), start, end, complete: terminated };
  });
}

/**
 * Statement boundaries in a token stream, as index ranges (`last` includes the terminating
 * `;` when there is one). A `;` ends a statement, except inside a statement set, which
 * starts with `STATEMENT SET` among its first few words (EXECUTE / BEGIN / EXPLAIN [PLAN
 * FOR] STATEMENT SET) and ends at the first END that does not close a CASE. Runs of `;`
 * (empty statements) belong to no range. Agrees with the grammar on every valid script.
 */
function statementRanges(types: readonly (TokenType | undefined)[]): { first: number; last: number; terminated: boolean }[] {
  const ranges: { first: number; last: number; terminated: boolean }[] = [];
  let first = -1;
  let inBlock = false;
  let blockEnded = false;
  let caseDepth = 0;
  types.forEach((type, i) => {
    if (type === T.Semicolon) {
      if (first >= 0 && (!inBlock || blockEnded)) {
        ranges.push({ first, last: i, terminated: true });
        first = -1;
        inBlock = blockEnded = false;
        caseDepth = 0;
      }
      return;
    }
    if (first < 0) first = i;
    if (type === T.STATEMENT && types[i + 1] === T.SET && i - first < 4) inBlock = true;
    if (inBlock && type === T.CASE) caseDepth++;
    if (inBlock && type === T.END) {
      if (caseDepth > 0) caseDepth--;
      else blockEnded = true;
    }
  });
  if (first >= 0) ranges.push({ first, last: types.length - 1, terminated: false });
  return ranges;
}

// ---------------------------------------------------------------------------------------
// Syntax errors

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

/** Token types the grammar allows after `tokens[0..index)`, with the rule that wanted each. */
function expectedAt(tokens: readonly IToken[], index: number): { type: TokenType; rule: string | undefined }[] {
  return sqlParser
    .computeContentAssist('script', tokens.slice(0, index))
    .map((path) => ({ type: path.nextTokenType, rule: path.ruleStack[path.ruleStack.length - 1] }));
}

function accepts(expected: readonly { type: TokenType }[], token: IToken): boolean {
  return expected.some((e) => tokenMatcher(token, e.type));
}

function syntaxError(allTokens: readonly IToken[], error: IRecognitionException, text: string): WeirError {
  const failedInScript = allTokens.indexOf(error.token);
  // Content assist replays the grammar over the tokens before the error, so replay only the
  // failing statement (the grammar restarts cleanly at any statement boundary).
  const at = failedInScript < 0 ? allTokens.length : failedInScript;
  const range = statementRanges(allTokens.map((t) => t.tokenType)).find(
    (r) => r.first <= at && (at <= r.last || (!r.terminated && at === r.last + 1)),
  );
  const from = range?.first ?? at;
  const unsupported = range === undefined ? undefined : unsupportedError(allTokens, range.first, range.last, at, text);
  if (unsupported !== undefined) return unsupported;
  const tokens = allTokens.slice(from);
  let index = at - from;
  let expected = expectedAt(tokens, index);
  // The parser decides with up to 3 tokens of lookahead, so it may stop at a token the
  // grammar accepts; the culprit is then the first of the next few that it does not.
  const stoppedAt = tokens[index];
  if (stoppedAt !== undefined && accepts(expected, stoppedAt)) {
    for (let j = index + 1; j < Math.min(index + 3, tokens.length); j++) {
      const next = expectedAt(tokens, j);
      if (!accepts(next, tokens[j] as IToken)) {
        index = j;
        expected = next;
        break;
      }
    }
  }

  // A misspelt keyword read as an alias: blame it rather than the token after it.
  let suggestion: string | undefined;
  const previous = tokens[index - 1];
  if (previous !== undefined && previous.tokenType === T.Identifier) {
    const before = expectedAt(tokens, index - 1);
    const guess = keywordSuggestion(previous.image, before);
    if (guess !== undefined) {
      index -= 1;
      expected = before;
      suggestion = guess;
    }
  }
  const token = tokens[index];
  if (suggestion === undefined && token !== undefined && token.tokenType === T.Identifier) {
    suggestion = keywordSuggestion(token.image, expected);
  }

  const notes: string[] = [];
  if (suggestion !== undefined) notes.push(`did you mean ${suggestion}?`);
  const labels = describeExpected(expected);
  if (token !== undefined && T.isReservedKeyword(token.tokenType) && labels.some((l) => NAME_LABELS.has(l)) && meantAsName(tokens, index)) {
    notes.push(`${token.image.toUpperCase()} is a reserved word; to use it as a name, quote it: \`${token.image}\``);
  }
  if (token !== undefined && tokens[index - 1]?.tokenType === T.Comma && !accepts(expected, token)) {
    notes.push("is there an extra ',' before it?");
  }
  const hint = [labels.length > 0 ? `expected ${joinOr(labels)}` : undefined, ...notes].filter((s) => s !== undefined).join('; ');

  if (token === undefined) {
    const last = allTokens[allTokens.length - 1];
    const end = last === undefined ? text.length : (last.endOffset ?? last.startOffset) + 1;
    return parseError('unexpected end of input', { start: end, end }, hint || undefined);
  }
  return parseError(`unexpected '${token.image}'`, tokenSpan(token), hint || undefined);
}

/**
 * The keyword among those the grammar expected that `word` is most likely a misspelling
 * of: at most one edit away (two for words of six letters or more), where swapping two
 * adjacent letters counts as one edit (`FORM` -> FROM).
 */
function keywordSuggestion(word: string, expected: readonly { type: TokenType }[]): string | undefined {
  const upper = word.toUpperCase();
  const limit = upper.length >= 6 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const { type } of expected) {
    if (!T.KEYWORDS.includes(type.name) || type.name.length < 2) continue;
    const d = editDistanceWithSwaps(upper, type.name);
    if (d > 0 && d < bestDistance) {
      best = type.name;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistanceWithSwaps(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * Whether the reserved word at `index` was probably meant as a name (`SELECT order FROM t`)
 * rather than as the keyword with something missing before it (`SELECT FROM t`): it was
 * meant as the keyword if, after a name in its place, the keyword and the token after it
 * would both fit.
 */
function meantAsName(tokens: readonly IToken[], index: number): boolean {
  const word = tokens[index];
  if (word === undefined) return false;
  const name = createTokenInstance(T.Identifier, 'x', word.startOffset, word.startOffset, NaN, NaN, NaN, NaN);
  const prefix = [...tokens.slice(0, index), name];
  if (!accepts(expectedAt(prefix, prefix.length), word)) return true;
  const after = tokens[index + 1];
  if (after === undefined) return true;
  return !accepts(expectedAt([...prefix, word], prefix.length + 1), after);
}

// Labels and their order in the list of expectations (lower first).
const LABEL_PRIORITY: Readonly<Record<string, number>> = {
  'a statement (SELECT, INSERT, CREATE, SET, EXPLAIN, ...)': 0,
  FROM: 10,
  WHERE: 11,
  'GROUP BY': 12,
  HAVING: 13,
  'ORDER BY': 14,
  LIMIT: 15,
  JOIN: 16,
  "')'": 20,
  'an expression': 21,
  'an identifier': 22,
  'a data type': 22,
  'a string literal': 23,
  'a number': 24,
  "','": 40,
  INNER: 41,
  LEFT: 41,
  RIGHT: 41,
  FULL: 41,
  CROSS: 41,
  FOR: 42,
  WINDOW: 45,
  OFFSET: 46,
  UNION: 47,
  INTERSECT: 48,
  EXCEPT: 49,
  AS: 50,
  'an alias': 51,
  'an operator': 52,
  "'('": 60,
  "'.'": 61,
  "';'": 90,
};
const OTHER_KEYWORD_PRIORITY = 30;
const MAX_EXPECTED = 8;
/** Labels under which a quoted reserved word would have been accepted. */
const NAME_LABELS: ReadonlySet<string> = new Set(['an identifier', 'an expression', 'an alias']);
/** Keywords that are always followed by another word: shown as the pair. */
const KEYWORD_PAIRS: Readonly<Record<string, string>> = { GROUP: 'GROUP BY', ORDER: 'ORDER BY', PARTITION: 'PARTITION BY', PRIMARY: 'PRIMARY KEY' };
const IDENTIFIER_TYPES: ReadonlySet<TokenType> = new Set([T.Identifier, T.QuotedIdentifier, T.NonReserved, T.AliasWord]);

let grammarSets: { expressionStarts: Set<TokenType>; operators: Set<TokenType>; statementStarts: Set<TokenType> } | undefined;

/** Token sets derived from the grammar once: what starts an expression, an operator, a statement. */
function sets(): NonNullable<typeof grammarSets> {
  if (grammarSets === undefined) {
    const typesOf = (rule: string, tokens: IToken[]): Set<TokenType> =>
      new Set(sqlParser.computeContentAssist(rule, tokens).map((p) => p.nextTokenType));
    const one = tokenize('1').tokens;
    grammarSets = {
      expressionStarts: typesOf('expression', []),
      operators: typesOf('expression', one),
      statementStarts: typesOf('statement', []),
    };
  }
  return grammarSets;
}

function describeExpected(expected: readonly { type: TokenType; rule: string | undefined }[]): string[] {
  const { expressionStarts, operators, statementStarts } = sets();
  const types = new Set(expected.map((e) => e.type));
  const labels = new Set<string>();
  const atStatement = types.has(T.CREATE) && types.has(T.SELECT);
  const atExpression = types.has(T.CASE);
  const afterOperand = types.has(T.AdditiveOperator);
  // AND alone (after BETWEEN's lower bound) is worth naming; with OR it is just an operator.
  const keepAnd = afterOperand && !types.has(T.OR);
  for (const { type, rule } of expected) {
    if (atStatement && statementStarts.has(type)) labels.add('a statement (SELECT, INSERT, CREATE, SET, EXPLAIN, ...)');
    else if (atExpression && expressionStarts.has(type)) labels.add('an expression');
    else if (afterOperand && operators.has(type) && !(keepAnd && type === T.AND)) labels.add('an operator');
    else if (afterOperand && (rule === 'identifierExpression' || rule === 'callSuffix' || rule === 'jsonObjectAggExpression' || rule === 'jsonArrayAggExpression') && (type === T.Dot || type === T.LParen)) continue;
    else if (rule === 'dataType') labels.add('a data type');
    else if (IDENTIFIER_TYPES.has(type)) labels.add(rule === 'alias' ? 'an alias' : 'an identifier');
    else if (T.KEYWORDS.includes(type.name)) labels.add(KEYWORD_PAIRS[type.name] ?? type.name);
    else labels.add(type.LABEL ?? type.name);
  }
  const ordered = [...labels].sort((a, b) => (LABEL_PRIORITY[a] ?? OTHER_KEYWORD_PRIORITY) - (LABEL_PRIORITY[b] ?? OTHER_KEYWORD_PRIORITY));
  if (ordered.length <= MAX_EXPECTED) return ordered;
  // Keep the end of the statement in view: it is often the fix.
  const semicolon = ordered.includes("';'");
  const head = ordered.filter((l) => l !== "';'").slice(0, semicolon ? MAX_EXPECTED - 1 : MAX_EXPECTED);
  return semicolon ? [...head, "';'"] : head;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}
