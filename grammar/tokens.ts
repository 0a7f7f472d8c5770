// The token vocabulary of the weir dialect (a Flink SQL subset).
//
// Keywords are case-insensitive and come in two kinds:
//
// - Reserved words (SELECT, FROM, JOIN, CASE, ...) can never be a bare identifier; quote them
//   in backticks to use them as names (`order`).
// - Non-reserved words (TIMESTAMP, DATE, HOUR, KEY, OFFSET, WATERMARK, COMMENT, ...) are
//   keywords only where the grammar expects them; everywhere an identifier is expected they
//   are accepted as one. They carry the `NonReserved` token category, and the parser's
//   `identifier` rule consumes `Identifier | QuotedIdentifier | NonReserved`.
//
// A third category, `AliasWord`, marks the non-reserved words that may also be an alias
// written without AS (`FROM bid b`). OFFSET is the one non-reserved word that is not: after
// `SELECT a FROM t`, the word OFFSET must start the OFFSET clause, not name the table.
//
// Lexing order matters in chevrotain: the first pattern that matches wins, except that a
// keyword is dropped in favour of its `longer_alt` (Identifier) when the identifier match is
// longer (`selection` is an identifier, not SELECT + `ion`). Keywords are therefore tried
// longest first, so that a keyword which is a prefix of another (IN / INNER / INTO,
// LOCALTIME / LOCALTIMESTAMP, ROW / ROWS) never hides the longer one.

import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// ---------------------------------------------------------------------------------------
// Categories (match no text themselves; see the file comment)

/** Non-reserved keywords: usable wherever an identifier is expected. */
export const NonReserved = createToken({ name: 'NonReserved', pattern: Lexer.NA, label: 'an identifier' });
/** Non-reserved keywords that may also be an alias written without AS. */
export const AliasWord = createToken({ name: 'AliasWord', pattern: Lexer.NA, label: 'an identifier' });
/** Units an INTERVAL literal accepts (plural spellings included). */
export const IntervalUnit = createToken({
  name: 'IntervalUnit',
  pattern: Lexer.NA,
  label: 'an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH or YEAR)',
});
/** Units EXTRACT accepts (a superset of the interval units). */
export const TimeUnit = createToken({ name: 'TimeUnit', pattern: Lexer.NA, label: 'a time unit (SECOND, MINUTE, HOUR, DAY, ...)' });
/** Words that may make up an unquoted option key or value in SET / RESET (`table.exec.x`). */
export const OptionWord = createToken({ name: 'OptionWord', pattern: Lexer.NA, label: 'an option key' });
/** Every keyword, reserved or not. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA, label: 'a keyword' });

// Operator categories: one CONSUME in the parser, and CST children keep their order.
export const ComparisonOperator = createToken({ name: 'ComparisonOperator', pattern: Lexer.NA, label: 'an operator' });
export const AdditiveOperator = createToken({ name: 'AdditiveOperator', pattern: Lexer.NA, label: 'an operator' });
export const MultiplicativeOperator = createToken({ name: 'MultiplicativeOperator', pattern: Lexer.NA, label: 'an operator' });

// ---------------------------------------------------------------------------------------
// Identifiers, literals, trivia

/**
 * Plain identifiers: a letter or `_`, then letters, digits, `_` or `$`. Letters beyond ASCII
 * are accepted (Flink allows unicode identifiers).
 */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/,
  categories: [OptionWord],
  label: 'an identifier',
});

/** `` `any text` ``; a doubled backtick stands for one. */
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /`[^`]*(?:``[^`]*)*`/,
  line_breaks: true,
  label: 'an identifier',
});

/** `'text'`; a doubled quote stands for one. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'[^']*(?:''[^']*)*'/,
  line_breaks: true,
  label: 'a string literal',
});

/** `X'0AFF'`: a BYTES literal, hex digits (checked by the binder); lexed before identifiers. */
export const BinaryLiteral = createToken({
  name: 'BinaryLiteral',
  pattern: /[xX]'[^']*'/,
  label: 'a binary literal',
});

/** `12`, `1.5`, `.5`, `1e3`, `2.5E-3`. Signs are unary operators, not part of the literal. */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  categories: [OptionWord],
  label: 'a number',
});

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
/**
 * Block comments, including Flink hints (`/*+ OPTIONS(...) *\/`). The parser never sees them; the
 * query hints right after SELECT (STATE_TTL) are read from the source text by src/sql/cst-to-ast.ts.
 */
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

// Error tokens. They match only what the real token failed to match (an opening quote or
// `/*` with no end), so the parser front end can report "unterminated string literal" at the
// opening quote instead of chevrotain's generic "unexpected character". They never reach the
// parser: src/sql/parse.ts rejects a token vector that contains one.
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'[^']*(?:''[^']*)*/, line_breaks: true });
export const UnterminatedQuotedIdentifier = createToken({
  name: 'UnterminatedQuotedIdentifier',
  pattern: /`[^`]*(?:``[^`]*)*/,
  line_breaks: true,
});
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, line_breaks: true });
/** `"text"`: not SQL in this dialect; reported with a hint about quoting. */
export const DoubleQuoted = createToken({ name: 'DoubleQuoted', pattern: /"[^"]*"?/, line_breaks: true });

export const ERROR_TOKENS: readonly TokenType[] = [UnterminatedString, UnterminatedQuotedIdentifier, UnterminatedComment, DoubleQuoted];

// ---------------------------------------------------------------------------------------
// Operators and punctuation (two-character operators before their one-character prefixes)

export const Concat = createToken({ name: 'Concat', pattern: /\|\|/, categories: [AdditiveOperator], label: "'||'" });
export const NotEquals = createToken({ name: 'NotEquals', pattern: /<>/, categories: [ComparisonOperator], label: "'<>'" });
export const BangEquals = createToken({ name: 'BangEquals', pattern: /!=/, categories: [ComparisonOperator], label: "'!='" });
export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/, categories: [ComparisonOperator], label: "'<='" });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/, categories: [ComparisonOperator], label: "'>='" });
/** `name => value` in window TVF calls. */
export const Arrow = createToken({ name: 'Arrow', pattern: /=>/, label: "'=>'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, categories: [ComparisonOperator], label: "'='" });
export const Less = createToken({ name: 'Less', pattern: /</, categories: [ComparisonOperator], label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, categories: [ComparisonOperator], label: "'>'" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [AdditiveOperator, OptionWord], label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [AdditiveOperator, OptionWord], label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [MultiplicativeOperator, OptionWord], label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [MultiplicativeOperator, OptionWord], label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, categories: [MultiplicativeOperator], label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, categories: [OptionWord], label: "'.'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
// Row pattern punctuation (MATCH_RECOGNIZE's PATTERN: `A*?`, `B{2,3}`, `A | B`).
export const Question = createToken({ name: 'Question', pattern: /\?/, label: "'?'" });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/, label: "'|'" });

// ---------------------------------------------------------------------------------------
// Keywords

type KeywordKind =
  | 'reserved'
  /** Non-reserved, also usable as an alias without AS. */
  | 'non-reserved'
  /** Non-reserved, but not usable as an alias without AS (it may start the next clause). */
  | 'non-reserved-no-alias';

const keywordTokens: TokenType[] = [];

/**
 * Puts `token` in `categories`, as `createToken({ categories })` would. chevrotain's
 * createToken recomputes every category's member list for each new token, which for ~300
 * keywords in the same few categories cost about 40 ms of each process's start; this adds
 * the one token to each category's map and list. (A chevrotain parser or Lexer recomputes
 * them all when built; test/unit/tokens.test.ts checks them before that happens.)
 */
function joinCategories(token: TokenType, categories: readonly TokenType[]): void {
  token.CATEGORIES = [...categories];
  const idx = token.tokenTypeIdx!;
  for (const c of categories) {
    c.categoryMatchesMap![idx] = true;
    c.categoryMatches!.push(idx);
    c.isParent = true;
  }
}
const reservedWords = new Set<string>();

function keyword(word: string, kind: KeywordKind, extra: readonly TokenType[] = []): TokenType {
  const categories: TokenType[] = [Keyword, OptionWord, ...extra];
  if (kind !== 'reserved') categories.push(NonReserved);
  if (kind === 'non-reserved') categories.push(AliasWord);
  const token = createToken({ name: word, pattern: new RegExp(word, 'i'), longer_alt: Identifier, label: word });
  joinCategories(token, categories);
  keywordTokens.push(token);
  if (kind === 'reserved') reservedWords.add(word);
  return token;
}

const R = 'reserved' as const;
const N = 'non-reserved' as const;

// Query structure
export const SELECT = keyword('SELECT', R);
export const FROM = keyword('FROM', R);
export const WHERE = keyword('WHERE', R);
export const GROUP = keyword('GROUP', R);
export const BY = keyword('BY', R);
export const HAVING = keyword('HAVING', R);
export const WINDOW = keyword('WINDOW', R);
export const ORDER = keyword('ORDER', R);
export const LIMIT = keyword('LIMIT', R);
export const OFFSET = keyword('OFFSET', 'non-reserved-no-alias');
export const UNION = keyword('UNION', R);
export const INTERSECT = keyword('INTERSECT', R);
export const EXCEPT = keyword('EXCEPT', R);
export const ALL = keyword('ALL', R);
export const DISTINCT = keyword('DISTINCT', R);
export const AS = keyword('AS', R);
export const WITH = keyword('WITH', R);
export const VALUES = keyword('VALUES', R);
export const TABLE = keyword('TABLE', R);
export const LATERAL = keyword('LATERAL', R);
export const UNNEST = keyword('UNNEST', N);
export const ORDINALITY = keyword('ORDINALITY', N);
export const DESCRIPTOR = keyword('DESCRIPTOR', R);
export const PARTITION = keyword('PARTITION', N);
export const PARTITIONED = keyword('PARTITIONED', N);
export const FOR = keyword('FOR', R);
export const SYSTEM_TIME = keyword('SYSTEM_TIME', N);
export const OF = keyword('OF', N);
export const ASC = keyword('ASC', R);
export const DESC = keyword('DESC', R);
export const NULLS = keyword('NULLS', N);
export const FIRST = keyword('FIRST', N);
export const LAST = keyword('LAST', N);
export const OVER = keyword('OVER', R);
export const FILTER = keyword('FILTER', R);
export const ROWS = keyword('ROWS', N);
export const RANGE = keyword('RANGE', N);
export const UNBOUNDED = keyword('UNBOUNDED', R);
export const PRECEDING = keyword('PRECEDING', N);
export const FOLLOWING = keyword('FOLLOWING', N);
export const CURRENT = keyword('CURRENT', R);
export const ROW = keyword('ROW', N);

// Joins
export const JOIN = keyword('JOIN', R);
export const INNER = keyword('INNER', R);
export const LEFT = keyword('LEFT', R);
export const RIGHT = keyword('RIGHT', R);
export const FULL = keyword('FULL', R);
export const OUTER = keyword('OUTER', R);
export const CROSS = keyword('CROSS', R);
export const ON = keyword('ON', R);
export const USING = keyword('USING', R);

// Expressions
export const AND = keyword('AND', R);
export const OR = keyword('OR', R);
export const NOT = keyword('NOT', R);
export const NULL = keyword('NULL', R);
export const TRUE = keyword('TRUE', R);
export const FALSE = keyword('FALSE', R);
export const UNKNOWN = keyword('UNKNOWN', N);
export const IS = keyword('IS', R);
export const IN = keyword('IN', R);
export const LIKE = keyword('LIKE', R);
export const SIMILAR = keyword('SIMILAR', R);
export const OVERLAPS = keyword('OVERLAPS', R);
export const ESCAPE = keyword('ESCAPE', R);
export const TO = keyword('TO', R);
export const BETWEEN = keyword('BETWEEN', R);
export const SYMMETRIC = keyword('SYMMETRIC', R);
export const ASYMMETRIC = keyword('ASYMMETRIC', R);
export const EXISTS = keyword('EXISTS', R);
export const CASE = keyword('CASE', R);
export const WHEN = keyword('WHEN', R);
export const THEN = keyword('THEN', R);
export const ELSE = keyword('ELSE', R);
export const END = keyword('END', R);
export const CAST = keyword('CAST', R);
export const INTERVAL = keyword('INTERVAL', R);
// Functions with special argument syntax. Non-reserved: `position` stays a usable column name;
// the parser tries the special form first only when the word is followed by `(`.
export const TRY_CAST = keyword('TRY_CAST', N);
export const EXTRACT = keyword('EXTRACT', N);
export const TRIM = keyword('TRIM', N);
export const BOTH = keyword('BOTH', R);
export const LEADING = keyword('LEADING', R);
export const TRAILING = keyword('TRAILING', R);
export const SUBSTRING = keyword('SUBSTRING', N);
export const POSITION = keyword('POSITION', N);
export const OVERLAY = keyword('OVERLAY', N);
export const PLACING = keyword('PLACING', N);
// Niladic functions, written without parentheses.
export const CURRENT_TIMESTAMP = keyword('CURRENT_TIMESTAMP', R);
export const CURRENT_DATE = keyword('CURRENT_DATE', R);
export const CURRENT_TIME = keyword('CURRENT_TIME', R);
export const LOCALTIMESTAMP = keyword('LOCALTIMESTAMP', R);
export const LOCALTIME = keyword('LOCALTIME', R);

// Types (most type names, INT, BIGINT, STRING, ..., are plain identifiers)
export const TIMESTAMP = keyword('TIMESTAMP', N);
export const TIMESTAMP_LTZ = keyword('TIMESTAMP_LTZ', N);
export const DATE = keyword('DATE', N);
export const TIME = keyword('TIME', N);
export const ZONE = keyword('ZONE', N);
export const LOCAL = keyword('LOCAL', N);
export const WITHOUT = keyword('WITHOUT', N);
export const PRECISION = keyword('PRECISION', N);
export const ARRAY = keyword('ARRAY', N);
export const MULTISET = keyword('MULTISET', N);
export const MAP = keyword('MAP', N);

// Time units. The six interval units and their plurals carry `IntervalUnit`; all carry `TimeUnit`.
function intervalUnit(word: string): TokenType {
  return keyword(word, N, [IntervalUnit, TimeUnit]);
}
function timeUnit(word: string): TokenType {
  return keyword(word, N, [TimeUnit]);
}
export const YEAR = intervalUnit('YEAR');
export const YEARS = intervalUnit('YEARS');
export const MONTH = intervalUnit('MONTH');
export const MONTHS = intervalUnit('MONTHS');
export const DAY = intervalUnit('DAY');
export const DAYS = intervalUnit('DAYS');
export const HOUR = intervalUnit('HOUR');
export const HOURS = intervalUnit('HOURS');
export const MINUTE = intervalUnit('MINUTE');
export const MINUTES = intervalUnit('MINUTES');
export const SECOND = intervalUnit('SECOND');
export const SECONDS = intervalUnit('SECONDS');
export const OTHER_TIME_UNITS: readonly TokenType[] = [
  'WEEK',
  'QUARTER',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
  'EPOCH',
  'DOW',
  'DOY',
  'ISODOW',
  'ISOYEAR',
  'DECADE',
  'CENTURY',
  'MILLENNIUM',
].map(timeUnit);

// DDL
export const CREATE = keyword('CREATE', R);
export const TEMPORARY = keyword('TEMPORARY', N);
export const VIEW = keyword('VIEW', N);
export const IF = keyword('IF', N);
export const WATERMARK = keyword('WATERMARK', N);
export const PRIMARY = keyword('PRIMARY', R);
export const KEY = keyword('KEY', N);
export const CONSTRAINT = keyword('CONSTRAINT', R);
export const ENFORCED = keyword('ENFORCED', N);
export const COMMENT = keyword('COMMENT', N);
export const METADATA = keyword('METADATA', N);
export const VIRTUAL = keyword('VIRTUAL', N);
export const DROP = keyword('DROP', N);
export const FUNCTION = keyword('FUNCTION', N);
export const SYSTEM = keyword('SYSTEM', N);
export const LANGUAGE = keyword('LANGUAGE', N);
export const USER = keyword('USER', N);

// DML and other statements
export const INSERT = keyword('INSERT', R);
export const INTO = keyword('INTO', R);
export const OVERWRITE = keyword('OVERWRITE', N);
export const EXPLAIN = keyword('EXPLAIN', N);
export const PLAN = keyword('PLAN', N);
// EXPLAIN details (Flink's ExplainDetail)
export const CHANGELOG_MODE = keyword('CHANGELOG_MODE', N);
export const ESTIMATED_COST = keyword('ESTIMATED_COST', N);
export const JSON_EXECUTION_PLAN = keyword('JSON_EXECUTION_PLAN', N);
export const PLAN_ADVICE = keyword('PLAN_ADVICE', N);
export const SET = keyword('SET', N);
export const RESET = keyword('RESET', N);
export const SHOW = keyword('SHOW', N);
export const TABLES = keyword('TABLES', N);
export const VIEWS = keyword('VIEWS', N);
export const FUNCTIONS = keyword('FUNCTIONS', N);
export const JOBS = keyword('JOBS', N);
export const DESCRIBE = keyword('DESCRIBE', N);
export const EXECUTE = keyword('EXECUTE', N);
export const STATEMENT = keyword('STATEMENT', N);
export const BEGIN = keyword('BEGIN', N);
export const STOP = keyword('STOP', N);
export const JOB = keyword('JOB', N);
export const SAVEPOINT = keyword('SAVEPOINT', N);
// ALTER TABLE, and CREATE TABLE ... LIKE's options (Flink's like options)
export const ALTER = keyword('ALTER', N);
export const RENAME = keyword('RENAME', N);
// Catalogs and databases (USE, SHOW CATALOGS, ...) and ALTER TABLE ... ADD / MODIFY / DROP
export const CATALOG = keyword('CATALOG', N);
export const CATALOGS = keyword('CATALOGS', N);
export const DATABASE = keyword('DATABASE', N);
export const DATABASES = keyword('DATABASES', N);
export const USE = keyword('USE', N);
export const ADD = keyword('ADD', N);
export const MODIFY = keyword('MODIFY', N);
export const RESTRICT = keyword('RESTRICT', N);
export const CASCADE = keyword('CASCADE', N);
export const INCLUDING = keyword('INCLUDING', N);
export const EXCLUDING = keyword('EXCLUDING', N);
export const OVERWRITING = keyword('OVERWRITING', N);
export const CONSTRAINTS = keyword('CONSTRAINTS', N);
export const GENERATED = keyword('GENERATED', N);
export const OPTIONS = keyword('OPTIONS', N);
export const WATERMARKS = keyword('WATERMARKS', N);
export const PARTITIONS = keyword('PARTITIONS', N);
// JSON functions (special argument syntax, like TRIM) and IS JSON
export const JSON_VALUE = keyword('JSON_VALUE', N);
export const JSON_QUERY = keyword('JSON_QUERY', N);
export const JSON_EXISTS = keyword('JSON_EXISTS', N);
export const JSON_OBJECT = keyword('JSON_OBJECT', N);
export const JSON_ARRAY = keyword('JSON_ARRAY', N);
export const JSON = keyword('JSON', N);
export const VALUE = keyword('VALUE', N);
export const SCALAR = keyword('SCALAR', N);
export const OBJECT = keyword('OBJECT', N);
export const RETURNING = keyword('RETURNING', N);
export const EMPTY = keyword('EMPTY', N);
export const ERROR = keyword('ERROR', N);
export const DEFAULT = keyword('DEFAULT', N);
export const ABSENT = keyword('ABSENT', N);
export const WRAPPER = keyword('WRAPPER', N);
export const CONDITIONAL = keyword('CONDITIONAL', N);
export const UNCONDITIONAL = keyword('UNCONDITIONAL', N);
// MATCH_RECOGNIZE (row pattern recognition). MATCH_RECOGNIZE itself may not be an alias
// without AS: after `FROM t` it starts the clause.
export const MATCH_RECOGNIZE = keyword('MATCH_RECOGNIZE', 'non-reserved-no-alias');
export const MEASURES = keyword('MEASURES', N);
export const PATTERN = keyword('PATTERN', N);
export const DEFINE = keyword('DEFINE', N);
export const ONE = keyword('ONE', N);
export const PER = keyword('PER', N);
export const MATCH = keyword('MATCH', N);
export const AFTER = keyword('AFTER', N);
export const SKIP = keyword('SKIP', N);
export const PAST = keyword('PAST', N);
export const NEXT = keyword('NEXT', N);
export const WITHIN = keyword('WITHIN', N);

// ---------------------------------------------------------------------------------------
// The vocabulary, in lexing order

/** Keyword tokens, longest word first (see the file comment). */
// (names compared by code unit: localeCompare would load ICU's collator, ~10 ms of every start)
const keywordsLongestFirst = [...keywordTokens].sort((a, b) => b.name.length - a.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export const allTokens: readonly TokenType[] = [
  // Trivia first: `--` must not lex as two minus signs, nor `/*` as a slash.
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  BinaryLiteral,
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  DoubleQuoted,
  // Before Dot, so `.5` is a number.
  NumberLiteral,
  Concat,
  NotEquals,
  BangEquals,
  LessEquals,
  GreaterEquals,
  Arrow,
  Equals,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  Question,
  LBrace,
  RBrace,
  Pipe,
  ...keywordsLongestFirst,
  Identifier,
  // Categories are part of the vocabulary the parser knows, though they never match text.
  NonReserved,
  AliasWord,
  IntervalUnit,
  TimeUnit,
  OptionWord,
  Keyword,
  ComparisonOperator,
  AdditiveOperator,
  MultiplicativeOperator,
];

/** Every keyword token by its word, upper-case (for the lexer: grammar/lexer.ts). */
export const KEYWORD_TOKENS: ReadonlyMap<string, TokenType> = new Map(keywordTokens.map((t) => [t.name, t]));

/** Every keyword, upper-case, sorted (for REPL completion). */
export const KEYWORDS: readonly string[] = keywordTokens.map((t) => t.name).sort();

/** Keywords that cannot be bare identifiers (quote them: `order`). */
export const RESERVED_WORDS: ReadonlySet<string> = reservedWords;

export function isReservedKeyword(tokenType: TokenType): boolean {
  return reservedWords.has(tokenType.name);
}
