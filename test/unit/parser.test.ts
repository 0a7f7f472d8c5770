// The dialect's syntax: grammar/ (tokens, lexer, parser) + src/sql/cst-to-ast.ts + src/sql/parse.ts.
// Assertions are on AST kinds and fields (toMatchObject ignores spans unless asked), so a
// test fails when the structure is wrong, not when an unrelated field is added.

import { describe, expect, it } from 'vitest';
import { SqlParser } from '../../grammar/parser.js';
import { buildLexer } from '../../grammar/lexer.js';
import { formatError, WeirError, type Span } from '../../src/common/errors.js';
import type { Expr, FromItem, Query, Select, Statement } from '../../src/sql/ast.js';
import { KEYWORDS, RESERVED_WORDS, parseScript, parseStatement, splitStatements, statementText } from '../../src/sql/parse.js';

const src = (text: string) => ({ name: 'test.sql', text });
const parse = (text: string): Statement[] => parseScript(src(text));
const one = (text: string): Statement => parseStatement(src(text));

function queryOf(text: string): Query {
  const s = one(text);
  if (s.kind !== 'query') throw new Error(`expected a query, got ${s.kind}`);
  return s.query;
}
function selectOf(text: string): Select {
  const q = queryOf(text);
  if (q.kind !== 'select') throw new Error(`expected a select, got ${q.kind}`);
  return q;
}
/** The first select item's expression of `SELECT <text>`. */
function exprOf(text: string): Expr {
  const item = selectOf(`SELECT ${text}`).items[0];
  if (item?.kind !== 'expr') throw new Error('expected an expression item');
  return item.expr;
}
function fromOf(text: string): FromItem {
  const from = selectOf(text).from;
  if (from === undefined) throw new Error('no FROM');
  return from;
}
function parseFailure(text: string): WeirError {
  try {
    parseScript(src(text));
  } catch (e) {
    if (e instanceof WeirError) return e;
    throw e;
  }
  throw new Error(`expected a parse error for: ${text}`);
}
const col = (...parts: string[]) => ({ kind: 'column', parts: parts.map((value) => ({ value })) });
const num = (text: string) => ({ kind: 'literal', type: 'number', value: Number(text), text });
const str = (value: string) => ({ kind: 'literal', type: 'string', value });
const spanText = (text: string, span: Span) => text.slice(span.start, span.end);

// ---------------------------------------------------------------------------------------

describe('grammar', () => {
  it("passes chevrotain's grammar checks (skipped at start-up by the shared parser)", () => {
    // chevrotain throws from performSelfAnalysis when a check finds a definition error
    expect(() => new SqlParser({ validate: true })).not.toThrow();
  });

  it("passes chevrotain's token checks, first-character optimisation included (skipped at start-up by the shared lexer)", () => {
    expect(buildLexer(true).lexerDefinitionErrors).toEqual([]);
  });
});

describe('statements', () => {
  it('parses CREATE TABLE with every kind of element and WITH options', () => {
    const text = `CREATE TEMPORARY TABLE IF NOT EXISTS db.bid (
        auction BIGINT NOT NULL COMMENT 'the auction',
        price DECIMAL(10, 2),
        date_time TIMESTAMP(3),
        ltz TIMESTAMP(3) WITH LOCAL TIME ZONE,
        tags ARRAY<STRING>,
        attrs MAP<STRING, INT>,
        nested ROW<a INT, b VARCHAR(10)>,
        d DOUBLE PRECISION,
        topic STRING METADATA FROM 'topic' VIRTUAL,
        pt AS PROCTIME(),
        WATERMARK FOR date_time AS date_time - INTERVAL '5' SECOND,
        PRIMARY KEY (auction, price) NOT ENFORCED
      ) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'quote' = 'it''s')`;
    const s = one(text);
    expect(s).toMatchObject({
      kind: 'create-table',
      name: { parts: [{ value: 'db' }, { value: 'bid' }] },
      temporary: true,
      ifNotExists: true,
      columns: [
        { kind: 'physical', name: { value: 'auction' }, type: { name: 'BIGINT', params: [] }, notNull: true, comment: 'the auction' },
        { kind: 'physical', name: { value: 'price' }, type: { name: 'DECIMAL', params: [10, 2] }, notNull: false, comment: undefined },
        { kind: 'physical', name: { value: 'date_time' }, type: { name: 'TIMESTAMP', params: [3], withTimeZone: undefined } },
        { kind: 'physical', name: { value: 'ltz' }, type: { name: 'TIMESTAMP', params: [3], withTimeZone: 'local' } },
        { kind: 'physical', type: { name: 'ARRAY', elementTypes: [{ name: 'STRING' }] } },
        { kind: 'physical', type: { name: 'MAP', elementTypes: [{ name: 'STRING' }, { name: 'INT' }] } },
        { kind: 'physical', type: { name: 'ROW', elementTypes: [{ name: 'INT' }, { name: 'VARCHAR', params: [10] }] } },
        { kind: 'physical', name: { value: 'd' }, type: { name: 'DOUBLE' } },
        { kind: 'metadata', name: { value: 'topic' }, type: { name: 'STRING' }, from: 'topic', virtual: true },
        { kind: 'computed', name: { value: 'pt' }, expr: { kind: 'function', upper: 'PROCTIME', args: [] } },
      ],
      watermark: {
        column: { value: 'date_time' },
        expr: { kind: 'binary', op: '-', left: col('date_time'), right: { kind: 'interval', value: '5', unit: 'SECOND' } },
      },
      primaryKey: [{ value: 'auction' }, { value: 'price' }],
      options: [
        { key: 'connector', value: 'nexmark' },
        { key: 'nexmark.table', value: 'bid' },
        { key: 'quote', value: "it's" },
      ],
    });
    if (s.kind !== 'create-table' || s.watermark === undefined) throw new Error('unreachable');
    expect(spanText(text, s.watermark.span)).toBe("WATERMARK FOR date_time AS date_time - INTERVAL '5' SECOND");
    expect(spanText(text, s.options[2]!.span)).toBe("'quote' = 'it''s'");
  });

  it('accepts a column-level primary key, CONSTRAINT names, and keyword-named columns', () => {
    expect(one('CREATE TABLE t (id BIGINT PRIMARY KEY NOT ENFORCED, key STRING, value STRING, watermark BIGINT, comment STRING)')).toMatchObject({
      primaryKey: [{ value: 'id' }],
      columns: [{ name: { value: 'id' } }, { name: { value: 'key' } }, { name: { value: 'value' } }, { name: { value: 'watermark' } }, { name: { value: 'comment' } }],
      watermark: undefined,
      options: [],
    });
    expect(one('CREATE TABLE t (a INT, CONSTRAINT pk PRIMARY KEY (a) NOT ENFORCED)')).toMatchObject({ primaryKey: [{ value: 'a' }] });
    // IF is non-reserved: a table may be called `if`.
    expect(one('CREATE TABLE if (a INT)')).toMatchObject({ name: { parts: [{ value: 'if' }] }, ifNotExists: false });
  });

  it('rejects two primary keys or two watermarks', () => {
    expect(parseFailure('CREATE TABLE t (a INT PRIMARY KEY, PRIMARY KEY (a))').message).toBe('a table can have only one PRIMARY KEY');
    expect(parseFailure('CREATE TABLE t (a TIMESTAMP(3), WATERMARK FOR a AS a, WATERMARK FOR a AS a)').message).toBe('a table can have only one WATERMARK');
  });

  it('parses CREATE VIEW with and without TEMPORARY, IF NOT EXISTS and column names', () => {
    expect(one('CREATE TEMPORARY VIEW IF NOT EXISTS v (a, b) AS SELECT 1, 2')).toMatchObject({
      kind: 'create-view',
      name: { parts: [{ value: 'v' }] },
      temporary: true,
      ifNotExists: true,
      columns: [{ value: 'a' }, { value: 'b' }],
      query: { kind: 'select', items: [{ expr: num('1') }, { expr: num('2') }] },
    });
    expect(one('CREATE VIEW v AS SELECT * FROM t')).toMatchObject({ kind: 'create-view', temporary: false, ifNotExists: false, columns: undefined });
  });

  it('parses INSERT INTO / OVERWRITE with optional columns', () => {
    expect(one('INSERT INTO sink SELECT a FROM t')).toMatchObject({ kind: 'insert', table: { parts: [{ value: 'sink' }] }, overwrite: false, columns: undefined, query: { kind: 'select' } });
    expect(one('INSERT OVERWRITE db.sink (a, b) SELECT 1, 2')).toMatchObject({ overwrite: true, columns: [{ value: 'a' }, { value: 'b' }] });
    // `(` followed by SELECT is the query, not a column list.
    expect(one('INSERT INTO sink (SELECT 1)')).toMatchObject({ columns: undefined, query: { kind: 'select' } });
    expect(one('INSERT INTO sink VALUES (1, 2)')).toMatchObject({ query: { kind: 'values', rows: [[num('1'), num('2')]] } });
  });

  it('parses EXPLAIN of statements and statement sets', () => {
    expect(one('EXPLAIN SELECT 1')).toMatchObject({ kind: 'explain', statement: { kind: 'query' } });
    expect(one('EXPLAIN PLAN FOR INSERT INTO t SELECT 1')).toMatchObject({ kind: 'explain', statement: { kind: 'insert' } });
    expect(one('EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END')).toMatchObject({
      kind: 'explain',
      statement: { kind: 'statement-set', inserts: [{ table: { parts: [{ value: 'a' }] } }, { table: { parts: [{ value: 'b' }] } }] },
    });
  });

  it('parses SET and RESET, quoted and unquoted', () => {
    expect(parse(`SET; SET 'table.exec.source.idle-timeout' = '5 s'; SET table.exec.mini-batch.enabled = true; SET execution.checkpointing.interval = 10s`)).toMatchObject([
      { kind: 'set', key: undefined, value: undefined },
      { kind: 'set', key: 'table.exec.source.idle-timeout', value: '5 s' },
      { kind: 'set', key: 'table.exec.mini-batch.enabled', value: 'true' },
      { kind: 'set', key: 'execution.checkpointing.interval', value: '10s' },
    ]);
    expect(parse(`RESET; RESET 'a.b'; RESET state.checkpoints.dir`)).toMatchObject([
      { kind: 'reset', key: undefined },
      { kind: 'reset', key: 'a.b' },
      { kind: 'reset', key: 'state.checkpoints.dir' },
    ]);
  });

  it('parses SHOW, DESCRIBE, DROP and STOP JOB', () => {
    expect(parse('SHOW TABLES; show views; SHOW FUNCTIONS; SHOW JOBS')).toMatchObject([
      { kind: 'show', what: 'tables' },
      { kind: 'show', what: 'views' },
      { kind: 'show', what: 'functions' },
      { kind: 'show', what: 'jobs' },
    ]);
    expect(parse('DESCRIBE t; DESC db.t')).toMatchObject([
      { kind: 'describe', name: { parts: [{ value: 't' }] } },
      { kind: 'describe', name: { parts: [{ value: 'db' }, { value: 't' }] } },
    ]);
    expect(parse('DROP TABLE t; DROP TEMPORARY VIEW IF EXISTS v')).toMatchObject([
      { kind: 'drop', object: 'table', temporary: false, ifExists: false, name: { parts: [{ value: 't' }] } },
      { kind: 'drop', object: 'view', temporary: true, ifExists: true, name: { parts: [{ value: 'v' }] } },
    ]);
    expect(parse(`STOP JOB 'a1b2'; STOP JOB 'c3' WITH SAVEPOINT`)).toMatchObject([
      { kind: 'stop-job', jobId: 'a1b2', withSavepoint: false },
      { kind: 'stop-job', jobId: 'c3', withSavepoint: true },
    ]);
  });

  it('parses both statement set spellings as one statement each', () => {
    const text = `EXECUTE STATEMENT SET BEGIN
        INSERT INTO a SELECT 1;
        INSERT INTO b SELECT CASE WHEN x THEN 1 END FROM t;
      END;
      BEGIN STATEMENT SET;
        INSERT INTO c SELECT 3;
      END;
      SELECT 4`;
    const statements = parse(text);
    expect(statements).toMatchObject([
      { kind: 'statement-set', inserts: [{ table: { parts: [{ value: 'a' }] } }, { table: { parts: [{ value: 'b' }] } }] },
      { kind: 'statement-set', inserts: [{ table: { parts: [{ value: 'c' }] } }] },
      { kind: 'query' },
    ]);
    expect(statementText(src(text), statements[1]!)).toMatch(/^BEGIN STATEMENT SET;[\s\S]*END$/);
    // The `;` before END is optional.
    expect(one('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1 END')).toMatchObject({ kind: 'statement-set', inserts: [{}] });
  });

  it('rejects an empty statement set and anything but INSERT inside one', () => {
    expect(parseFailure('EXECUTE STATEMENT SET BEGIN END').message).toBe('a statement set needs at least one INSERT statement');
    const e = parseFailure('EXECUTE STATEMENT SET BEGIN SELECT 1; END');
    expect(e.message).toBe("unexpected 'SELECT'");
    expect(e.hint).toBe("expected INSERT, END or ';'");
  });

  it('separates statements by `;`, ignores empty ones, and gives each a span over its text', () => {
    const text = ';; SELECT 1 ;\n-- comment\nSELECT 2;;\n SHOW TABLES';
    const statements = parse(text);
    expect(statements.map((s) => s.kind)).toEqual(['query', 'query', 'show']);
    expect(statements.map((s) => statementText(src(text), s))).toEqual(['SELECT 1', 'SELECT 2', 'SHOW TABLES']);
    expect(parse('')).toEqual([]);
    expect(parse(' -- only a comment\n /* and another */ ;')).toEqual([]);
  });

  it('parseStatement wants exactly one statement', () => {
    expect(one('SELECT 1;')).toMatchObject({ kind: 'query' });
    const two = (() => {
      try {
        parseStatement(src('SELECT 1; SELECT 2'));
      } catch (e) {
        return e as WeirError;
      }
      throw new Error('no error');
    })();
    expect(two).toMatchObject({ kind: 'parse', message: 'expected a single statement', span: { start: 10, end: 18 } });
    expect(() => parseStatement(src('  -- nothing'))).toThrow('expected a statement');
  });
});

// ---------------------------------------------------------------------------------------

describe('queries', () => {
  it('parses every SELECT clause', () => {
    const q = selectOf(`SELECT DISTINCT a, b AS bb, c cc, t.*, * FROM t
      WHERE a > 1 GROUP BY a, b HAVING COUNT(*) > 2 WINDOW w AS (PARTITION BY a ORDER BY b)
      ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5`);
    expect(q).toMatchObject({
      kind: 'select',
      distinct: true,
      items: [
        { kind: 'expr', expr: col('a'), alias: undefined },
        { kind: 'expr', expr: col('b'), alias: { value: 'bb' } },
        { kind: 'expr', expr: col('c'), alias: { value: 'cc' } },
        { kind: 'star', qualifier: { parts: [{ value: 't' }] } },
        { kind: 'star', qualifier: undefined },
      ],
      from: { kind: 'table-ref', name: { parts: [{ value: 't' }] }, alias: undefined, systemTimeAsOf: undefined },
      where: { kind: 'binary', op: '>', left: col('a'), right: num('1') },
      groupBy: [col('a'), col('b')],
      having: { kind: 'binary', op: '>', left: { kind: 'function', upper: 'COUNT', star: true } },
      windows: [{ name: { value: 'w' }, spec: { partitionBy: [col('a')], orderBy: [{ expr: col('b'), direction: 'ASC' }], frame: undefined } }],
      orderBy: [
        { expr: col('a'), direction: 'DESC', nulls: 'LAST' },
        { expr: col('b'), direction: 'ASC', nulls: undefined },
      ],
      limit: num('10'),
      offset: num('5'),
    });
    expect(selectOf('SELECT ALL a FROM t').distinct).toBe(false);
    expect(selectOf('SELECT a FROM t LIMIT ALL').limit).toBeUndefined();
    expect(selectOf('SELECT a.b.* FROM a').items[0]).toMatchObject({ kind: 'star', qualifier: { parts: [{ value: 'a' }, { value: 'b' }] } });
  });

  it('parses table references with aliases and FOR SYSTEM_TIME AS OF', () => {
    expect(fromOf('SELECT * FROM db.orders AS o')).toMatchObject({ kind: 'table-ref', name: { parts: [{ value: 'db' }, { value: 'orders' }] }, alias: { value: 'o' } });
    expect(fromOf('SELECT * FROM orders o')).toMatchObject({ alias: { value: 'o' } });
    expect(fromOf('SELECT * FROM o JOIN rates FOR SYSTEM_TIME AS OF o.proctime AS r ON o.c = r.c')).toMatchObject({
      kind: 'join',
      joinType: 'inner',
      right: { kind: 'table-ref', alias: { value: 'r' }, systemTimeAsOf: col('o', 'proctime') },
      on: { kind: 'binary', op: '=' },
    });
  });

  it('parses every join form, left-deep, with comma joins looser than JOIN', () => {
    const from = fromOf('SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (x, y) CROSS JOIN d, e RIGHT JOIN f ON TRUE FULL JOIN g ON FALSE, h INNER JOIN i ON 1 = 1');
    expect(from).toMatchObject({
      kind: 'join',
      joinType: 'cross',
      left: {
        kind: 'join',
        joinType: 'cross',
        left: {
          joinType: 'cross',
          left: { joinType: 'left', left: { joinType: 'inner', left: { name: { parts: [{ value: 'a' }] } } }, using: [{ value: 'x' }, { value: 'y' }], on: undefined },
          right: { name: { parts: [{ value: 'd' }] } },
          on: undefined,
        },
        right: { joinType: 'full', left: { joinType: 'right', left: { name: { parts: [{ value: 'e' }] } } } },
      },
      right: { joinType: 'inner', left: { name: { parts: [{ value: 'h' }] } }, right: { name: { parts: [{ value: 'i' }] } } },
    });
  });

  it('tells subqueries, parenthesised joins and parenthesised set operations apart', () => {
    expect(fromOf('SELECT * FROM (SELECT a FROM t) AS s (x)')).toMatchObject({
      kind: 'subquery',
      query: { kind: 'select' },
      alias: { value: 's' },
      columnAliases: [{ value: 'x' }],
      lateral: false,
    });
    expect(fromOf('SELECT * FROM (a JOIN b ON TRUE)')).toMatchObject({ kind: 'join', joinType: 'inner' });
    // `((` needs the backtracking decision: a parenthesised query ...
    expect(fromOf('SELECT * FROM ((SELECT 1) UNION (SELECT 2)) u')).toMatchObject({ kind: 'subquery', query: { kind: 'set-op', op: 'union' }, alias: { value: 'u' } });
    // ... or a parenthesised join whose first item is a subquery.
    expect(fromOf('SELECT * FROM ((SELECT 1) s JOIN t ON TRUE)')).toMatchObject({ kind: 'join', left: { kind: 'subquery', alias: { value: 's' } }, right: { kind: 'table-ref' } });
    expect(fromOf('SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a) AS l')).toMatchObject({ kind: 'join', right: { kind: 'subquery', lateral: true, alias: { value: 'l' } } });
  });

  it('parses window TVFs with positional and named arguments, PARTITION BY and an alias', () => {
    expect(fromOf("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' MINUTES)) AS w")).toMatchObject({
      kind: 'table-function',
      name: { value: 'TUMBLE' },
      args: [
        { kind: 'table', name: { parts: [{ value: 'bid' }] }, partitionBy: [], argName: undefined },
        { kind: 'descriptor', columns: [{ value: 'date_time' }], argName: undefined },
        { kind: 'expr', expr: { kind: 'interval', value: '10', unit: 'MINUTE' }, argName: undefined },
      ],
      alias: { value: 'w' },
    });
    expect(fromOf("SELECT * FROM TABLE(hop(DATA => TABLE bid, TIMECOL => DESCRIPTOR(date_time), SLIDE => INTERVAL '2' SECOND, SIZE => INTERVAL '10' SECOND, OFFSET => INTERVAL '1' SECOND))")).toMatchObject({
      name: { value: 'HOP' },
      args: [
        { kind: 'table', argName: { value: 'DATA' } },
        { kind: 'descriptor', argName: { value: 'TIMECOL' } },
        { kind: 'expr', argName: { value: 'SLIDE' } },
        { kind: 'expr', argName: { value: 'SIZE' } },
        { kind: 'expr', argName: { value: 'OFFSET' } },
      ],
    });
    expect(fromOf("SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(date_time), INTERVAL '10' SECONDS))")).toMatchObject({
      args: [{ kind: 'table', partitionBy: [col('bidder')] }, { kind: 'descriptor' }, { kind: 'expr', expr: { unit: 'SECOND' } }],
    });
    expect(fromOf("SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY (bidder, auction), DESCRIPTOR(date_time), INTERVAL '1' MINUTE))")).toMatchObject({
      args: [{ kind: 'table', partitionBy: [col('bidder'), col('auction')] }, {}, {}],
    });
  });

  it('parses LATERAL TABLE user-defined table functions', () => {
    expect(fromOf('SELECT * FROM t, LATERAL TABLE(split_words(s)) AS w(word)')).toMatchObject({
      kind: 'join',
      joinType: 'cross',
      right: { kind: 'table-function', name: { value: 'SPLIT_WORDS' }, lateral: true, args: [{ kind: 'expr', expr: col('s') }], alias: { value: 'w' }, columnAliases: [{ value: 'word' }] },
    });
    expect(fromOf('SELECT * FROM t LEFT JOIN LATERAL TABLE(f(x)) ON TRUE')).toMatchObject({ joinType: 'left', right: { kind: 'table-function', lateral: true } });
  });

  it('gives INTERSECT precedence over UNION and EXCEPT, and binds ORDER BY / LIMIT to the whole set operation', () => {
    const q = queryOf('SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 EXCEPT DISTINCT SELECT 4 ORDER BY 1 LIMIT 3 OFFSET 1');
    expect(q).toMatchObject({
      kind: 'set-op',
      op: 'except',
      all: false,
      left: { kind: 'set-op', op: 'union', all: true, left: { kind: 'select' }, right: { kind: 'set-op', op: 'intersect' } },
      right: { kind: 'select', orderBy: [], limit: undefined },
      orderBy: [{ expr: num('1') }],
      limit: num('3'),
      offset: num('1'),
    });
    expect(queryOf('(SELECT a FROM t) UNION (SELECT b FROM u ORDER BY b LIMIT 1)')).toMatchObject({
      kind: 'set-op',
      orderBy: [],
      right: { kind: 'select', orderBy: [{ expr: col('b') }], limit: num('1') },
    });
  });

  it('parses WITH and VALUES', () => {
    expect(queryOf('WITH a AS (SELECT 1), b (x, y) AS (SELECT 1, 2) SELECT * FROM a, b ORDER BY 1')).toMatchObject({
      kind: 'with',
      ctes: [
        { name: { value: 'a' }, columns: undefined, query: { kind: 'select' } },
        { name: { value: 'b' }, columns: [{ value: 'x' }, { value: 'y' }] },
      ],
      body: { kind: 'select', orderBy: [{ expr: num('1') }] },
    });
    expect(queryOf("VALUES (1, 'a'), (2, 'b')")).toMatchObject({ kind: 'values', rows: [[num('1'), str('a')], [num('2'), str('b')]] });
  });

  it('refuses ORDER BY where the AST cannot hold it, saying so', () => {
    const e = parseFailure('(SELECT a FROM t LIMIT 1) ORDER BY a');
    expect(e.kind).toBe('not-supported');
    expect(parseFailure('VALUES (1) ORDER BY 1').kind).toBe('not-supported');
  });
});

// ---------------------------------------------------------------------------------------

describe('expressions', () => {
  it('binds OR < AND < NOT < comparison', () => {
    expect(exprOf('a OR b AND NOT c = d')).toMatchObject({
      kind: 'binary',
      op: 'OR',
      left: col('a'),
      right: { kind: 'binary', op: 'AND', left: col('b'), right: { kind: 'unary', op: 'NOT', operand: { kind: 'binary', op: '=', left: col('c'), right: col('d') } } },
    });
    expect(exprOf('a AND b OR c')).toMatchObject({ op: 'OR', left: { op: 'AND' }, right: col('c') });
  });

  it('binds unary minus tighter than *, * tighter than +, and || with +', () => {
    expect(exprOf('-a * b')).toMatchObject({ kind: 'binary', op: '*', left: { kind: 'unary', op: '-', operand: col('a') }, right: col('b') });
    expect(exprOf('1 + 2 * 3')).toMatchObject({ op: '+', left: num('1'), right: { op: '*', left: num('2'), right: num('3') } });
    expect(exprOf('a - b - c')).toMatchObject({ op: '-', left: { op: '-', left: col('a'), right: col('b') }, right: col('c') });
    expect(exprOf('a || b = c')).toMatchObject({ op: '=', left: { op: '||', left: col('a'), right: col('b') }, right: col('c') });
    expect(exprOf('a || b + c')).toMatchObject({ op: '+', left: { op: '||' } });
    expect(exprOf('a % b / c')).toMatchObject({ op: '/', left: { op: '%' } });
    expect(exprOf('(a + b) * c')).toMatchObject({ op: '*', left: { kind: 'paren', expr: { op: '+' } } });
    expect(exprOf('a != b')).toMatchObject({ op: '<>' });
    expect(exprOf('a <> b AND c <= d AND e >= f AND g < h AND i > j')).toMatchObject({ op: 'AND', right: { op: '>' } });
  });

  it('parses IS, IN, BETWEEN, LIKE, SIMILAR TO at the comparison level', () => {
    expect(exprOf('a IS NOT NULL AND b IS TRUE')).toMatchObject({
      op: 'AND',
      left: { kind: 'is', operand: col('a'), not: true, test: 'NULL' },
      right: { kind: 'is', not: false, test: 'TRUE' },
    });
    expect(exprOf('a IS FALSE')).toMatchObject({ kind: 'is', test: 'FALSE' });
    expect(exprOf('a IS NOT UNKNOWN')).toMatchObject({ kind: 'is', test: 'UNKNOWN', not: true });
    expect(exprOf('a IS DISTINCT FROM b')).toMatchObject({ kind: 'binary', op: 'IS DISTINCT FROM' });
    expect(exprOf('a IS NOT DISTINCT FROM b + 1')).toMatchObject({ kind: 'binary', op: 'IS NOT DISTINCT FROM', right: { op: '+' } });
    expect(exprOf("a NOT IN (1, 2, 'x')")).toMatchObject({ kind: 'in-list', operand: col('a'), not: true, list: [num('1'), num('2'), str('x')] });
    expect(exprOf('a IN (SELECT b FROM t)')).toMatchObject({ kind: 'in-subquery', not: false, query: { kind: 'select' } });
    expect(exprOf('a BETWEEN 1 AND 2 AND b')).toMatchObject({ op: 'AND', left: { kind: 'between', low: num('1'), high: num('2'), not: false, symmetric: false }, right: col('b') });
    expect(exprOf('a NOT BETWEEN SYMMETRIC b - 1 AND b + 1')).toMatchObject({ kind: 'between', not: true, symmetric: true, low: { op: '-' }, high: { op: '+' } });
    expect(exprOf("a LIKE 'x%'")).toMatchObject({ kind: 'like', pattern: str('x%'), escape: undefined, not: false, similar: false });
    expect(exprOf("a NOT LIKE 'x!%' ESCAPE '!'")).toMatchObject({ kind: 'like', not: true, escape: str('!') });
    expect(exprOf("a SIMILAR TO '[ab]+'")).toMatchObject({ kind: 'like', similar: true });
    expect(exprOf('NOT a IN (1)')).toMatchObject({ kind: 'unary', op: 'NOT', operand: { kind: 'in-list' } });
  });

  it('parses EXISTS, NOT EXISTS and scalar subqueries', () => {
    expect(exprOf('EXISTS (SELECT 1)')).toMatchObject({ kind: 'exists', not: false });
    expect(exprOf('NOT EXISTS (SELECT 1)')).toMatchObject({ kind: 'exists', not: true });
    expect(exprOf('(SELECT MAX(a) FROM t) + 1')).toMatchObject({ op: '+', left: { kind: 'scalar-subquery', query: { kind: 'select' } } });
    expect(exprOf('((SELECT 1) + 1)')).toMatchObject({ kind: 'paren', expr: { op: '+', left: { kind: 'scalar-subquery' } } });
    expect(exprOf('((SELECT 1) UNION (SELECT 2))')).toMatchObject({ kind: 'scalar-subquery', query: { kind: 'set-op' } });
  });

  it('parses literals', () => {
    expect(exprOf('12')).toEqual({ kind: 'literal', type: 'number', value: 12, text: '12', span: { start: 7, end: 9 } });
    expect(exprOf('0.908')).toMatchObject(num('0.908'));
    expect(exprOf('1e3')).toMatchObject({ value: 1000, text: '1e3' });
    expect(exprOf('.5')).toMatchObject({ value: 0.5, text: '.5' });
    expect(exprOf('3000000000')).toMatchObject({ value: 3000000000, text: '3000000000' });
    expect(exprOf("'it''s'")).toMatchObject({ type: 'string', value: "it's", text: "'it''s'" });
    expect(exprOf('TRUE')).toMatchObject({ type: 'boolean', value: true });
    expect(exprOf('false')).toMatchObject({ type: 'boolean', value: false });
    expect(exprOf('NULL')).toMatchObject({ type: 'null', value: null });
  });

  it('parses INTERVAL literals, normalising plural units', () => {
    expect(exprOf("INTERVAL '10' SECOND")).toMatchObject({ kind: 'interval', value: '10', unit: 'SECOND', toUnit: undefined });
    expect(exprOf("INTERVAL '10' MINUTES")).toMatchObject({ unit: 'MINUTE' });
    expect(exprOf("interval '2' days")).toMatchObject({ unit: 'DAY' });
    expect(exprOf("INTERVAL '1:30' MINUTE TO SECOND")).toMatchObject({ value: '1:30', unit: 'MINUTE', toUnit: 'SECOND' });
    expect(exprOf("INTERVAL '1 02:03:04.5' DAY(2) TO SECOND(3)")).toMatchObject({ unit: 'DAY', toUnit: 'SECOND' });
    expect(exprOf("INTERVAL -'1' HOUR")).toMatchObject({ value: '-1', unit: 'HOUR' });
    expect(exprOf("INTERVAL '1' YEAR + INTERVAL '2' MONTHS")).toMatchObject({ op: '+', left: { unit: 'YEAR' }, right: { unit: 'MONTH' } });
  });

  it('parses typed literals', () => {
    expect(exprOf("TIMESTAMP '2020-01-01 00:00:00.000'")).toMatchObject({ kind: 'typed-literal', type: 'TIMESTAMP', value: '2020-01-01 00:00:00.000' });
    expect(exprOf("DATE '2020-01-01'")).toMatchObject({ kind: 'typed-literal', type: 'DATE' });
    expect(exprOf("TIME '12:00:00'")).toMatchObject({ kind: 'typed-literal', type: 'TIME' });
    expect(exprOf("TIMESTAMP_LTZ '2020-01-01 00:00:00'")).toMatchObject({ kind: 'typed-literal', type: 'TIMESTAMP_LTZ' });
  });

  it('parses CASE, CAST and TRY_CAST', () => {
    expect(exprOf("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END")).toMatchObject({
      kind: 'case',
      operand: undefined,
      whens: [
        { when: { op: '>' }, then: str('x') },
        { when: { op: '>' }, then: str('y') },
      ],
      else: str('z'),
    });
    expect(exprOf("CASE a WHEN 1 THEN 'one' END")).toMatchObject({ kind: 'case', operand: col('a'), whens: [{ when: num('1'), then: str('one') }], else: undefined });
    expect(exprOf('CAST(a AS BIGINT)')).toMatchObject({ kind: 'cast', operand: col('a'), type: { name: 'BIGINT', params: [] }, try: false });
    expect(exprOf('TRY_CAST(a AS DECIMAL(10, 2))')).toMatchObject({ kind: 'cast', try: true, type: { name: 'DECIMAL', params: [10, 2] } });
  });

  it('parses types inside CAST', () => {
    const typeOf = (t: string) => {
      const e = exprOf(`CAST(x AS ${t})`);
      if (e.kind !== 'cast') throw new Error('not a cast');
      return e.type;
    };
    expect(typeOf('VARCHAR(10)')).toMatchObject({ name: 'VARCHAR', params: [10] });
    expect(typeOf('string')).toMatchObject({ name: 'STRING', params: [] });
    expect(typeOf('DOUBLE PRECISION')).toMatchObject({ name: 'DOUBLE' });
    expect(typeOf('TIMESTAMP')).toMatchObject({ name: 'TIMESTAMP', params: [], withTimeZone: undefined });
    expect(typeOf('TIMESTAMP(3) WITHOUT TIME ZONE')).toMatchObject({ name: 'TIMESTAMP', params: [3], withTimeZone: undefined });
    expect(typeOf('TIMESTAMP(6) WITH TIME ZONE')).toMatchObject({ withTimeZone: 'zone' });
    expect(typeOf('TIMESTAMP_LTZ(3)')).toMatchObject({ name: 'TIMESTAMP_LTZ', params: [3] });
    expect(typeOf('DATE')).toMatchObject({ name: 'DATE' });
    expect(typeOf('TIME(0)')).toMatchObject({ name: 'TIME', params: [0] });
    expect(typeOf('MAP<STRING, ARRAY<INT NOT NULL>>')).toMatchObject({ name: 'MAP', elementTypes: [{ name: 'STRING' }, { name: 'ARRAY', elementTypes: [{ name: 'INT' }] }] });
    expect(typeOf('ROW(a INT, b STRING)')).toMatchObject({ name: 'ROW', elementTypes: [{ name: 'INT' }, { name: 'STRING' }] });
    expect(typeOf('MULTISET<BIGINT>')).toMatchObject({ name: 'MULTISET', elementTypes: [{ name: 'BIGINT' }] });
    expect(typeOf('INTERVAL DAY TO SECOND')).toMatchObject({ name: 'INTERVAL' });
    expect(parseFailure('SELECT CAST(x AS INT PRECISION)').message).toBe('PRECISION can only follow DOUBLE, not INT');
    expect(parseFailure('SELECT CAST(x AS DECIMAL(10.5))').message).toBe('type parameters are whole numbers, not 10.5');
  });

  it('parses EXTRACT, TRIM, SUBSTRING, POSITION and OVERLAY', () => {
    expect(exprOf('EXTRACT(HOUR FROM ts)')).toMatchObject({ kind: 'extract', field: 'HOUR', operand: col('ts') });
    expect(exprOf('EXTRACT(dow FROM ts)')).toMatchObject({ kind: 'extract', field: 'DOW' });
    expect(exprOf('TRIM(s)')).toMatchObject({ kind: 'trim', mode: 'BOTH', chars: undefined, operand: col('s') });
    expect(exprOf("TRIM(LEADING 'x' FROM s)")).toMatchObject({ kind: 'trim', mode: 'LEADING', chars: str('x'), operand: col('s') });
    expect(exprOf('TRIM(TRAILING FROM s)')).toMatchObject({ kind: 'trim', mode: 'TRAILING', chars: undefined, operand: col('s') });
    expect(exprOf("TRIM('x' FROM s)")).toMatchObject({ kind: 'trim', mode: 'BOTH', chars: str('x'), operand: col('s') });
    expect(exprOf('TRIM(FROM s)')).toMatchObject({ kind: 'trim', chars: undefined, operand: col('s') });
    expect(exprOf('SUBSTRING(s FROM 2 FOR 3)')).toMatchObject({ kind: 'function', upper: 'SUBSTRING', args: [col('s'), num('2'), num('3')] });
    expect(exprOf('SUBSTRING(s FROM 2)')).toMatchObject({ upper: 'SUBSTRING', args: [col('s'), num('2')] });
    expect(exprOf('substring(s, 2, 3)')).toMatchObject({ name: { value: 'substring' }, upper: 'SUBSTRING', args: [col('s'), num('2'), num('3')] });
    expect(exprOf("POSITION('a' IN s)")).toMatchObject({ kind: 'function', upper: 'POSITION', args: [str('a'), col('s')] });
    expect(exprOf("OVERLAY(s PLACING 'x' FROM 2 FOR 1)")).toMatchObject({ upper: 'OVERLAY', args: [col('s'), str('x'), num('2'), num('1')] });
  });

  it('parses function calls: DISTINCT, *, FILTER, OVER, keyword names, niladic functions, FLOOR TO', () => {
    expect(exprOf('COUNT(*)')).toMatchObject({ kind: 'function', name: { value: 'COUNT' }, upper: 'COUNT', args: [], star: true, distinct: false });
    expect(exprOf('count(DISTINCT a, b)')).toMatchObject({ upper: 'COUNT', distinct: true, args: [col('a'), col('b')] });
    expect(exprOf('COUNT(ALL a)')).toMatchObject({ distinct: false, args: [col('a')] });
    expect(exprOf('SUM(price) FILTER (WHERE price > 10)')).toMatchObject({ upper: 'SUM', filter: { op: '>' }, over: undefined });
    expect(exprOf('ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC)')).toMatchObject({
      upper: 'ROW_NUMBER',
      args: [],
      over: { partitionBy: [col('a'), col('b')], orderBy: [{ expr: col('c'), direction: 'DESC' }], frame: undefined },
    });
    expect(exprOf('SUM(a) OVER w')).toMatchObject({ over: { value: 'w' } });
    expect(exprOf('SUM(a) OVER ()')).toMatchObject({ over: { partitionBy: [], orderBy: [], frame: undefined } });
    expect(exprOf('SUM(a) OVER (ORDER BY ts ROWS BETWEEN 5 PRECEDING AND UNBOUNDED FOLLOWING)')).toMatchObject({
      over: { frame: { unit: 'ROWS', start: { kind: 'preceding', offset: num('5') }, end: { kind: 'unbounded-following' } } },
    });
    expect(exprOf("SUM(a) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)")).toMatchObject({
      over: { frame: { unit: 'RANGE', start: { kind: 'preceding', offset: { kind: 'interval' } }, end: { kind: 'current-row' } } },
    });
    expect(exprOf('SUM(a) OVER (ORDER BY ts ROWS UNBOUNDED PRECEDING)')).toMatchObject({ over: { frame: { start: { kind: 'unbounded-preceding' }, end: undefined } } });
    expect(exprOf('SUM(a) OVER (ORDER BY ts ROWS 2 FOLLOWING)')).toMatchObject({ over: { frame: { start: { kind: 'following', offset: num('2') } } } });
    expect(exprOf('LEFT(s, 2)')).toMatchObject({ kind: 'function', upper: 'LEFT', args: [col('s'), num('2')] });
    expect(exprOf('right(s, 2)')).toMatchObject({ kind: 'function', name: { value: 'right' }, upper: 'RIGHT' });
    expect(exprOf("IF(a > 1, 'x', 'y')")).toMatchObject({ kind: 'function', upper: 'IF', args: [{ op: '>' }, str('x'), str('y')] });
    expect(exprOf('TIMESTAMPDIFF(SECOND, a, b)')).toMatchObject({ upper: 'TIMESTAMPDIFF', args: [col('SECOND'), col('a'), col('b')] });
    expect(exprOf('CURRENT_TIMESTAMP')).toMatchObject({ kind: 'function', upper: 'CURRENT_TIMESTAMP', args: [] });
    expect(exprOf('LOCALTIMESTAMP')).toMatchObject({ kind: 'function', upper: 'LOCALTIMESTAMP', args: [] });
    expect(exprOf('current_date')).toMatchObject({ kind: 'function', upper: 'CURRENT_DATE', args: [] });
    expect(exprOf('PROCTIME()')).toMatchObject({ kind: 'function', upper: 'PROCTIME', args: [] });
    expect(exprOf('HOUR(ts)')).toMatchObject({ kind: 'function', upper: 'HOUR', args: [col('ts')] });
    expect(exprOf('FLOOR(ts TO HOUR)')).toMatchObject({ upper: 'FLOOR', args: [col('ts'), col('HOUR')] });
    expect(exprOf('CEIL(ts TO DAYS)')).toMatchObject({ upper: 'CEIL', args: [col('ts'), col('DAY')] });
    expect(exprOf('FLOOR(x)')).toMatchObject({ upper: 'FLOOR', args: [col('x')] });
  });

  it('rejects the call forms the grammar accepts only for simplicity', () => {
    expect(parseFailure('SELECT MOD(ts TO HOUR)').message).toBe("'TO HOUR' is only allowed in FLOOR and CEIL");
    expect(parseFailure('SELECT COUNT(DISTINCT)').message).toBe('expected an argument after DISTINCT');
    expect(parseFailure('SELECT db.fn(1)').kind).toBe('not-supported');
  });

  it('parses qualified and quoted column references', () => {
    expect(exprOf('t.a')).toMatchObject(col('t', 'a'));
    expect(exprOf('cat.db.t.a')).toMatchObject(col('cat', 'db', 't', 'a'));
    expect(exprOf('`my col`')).toMatchObject({ kind: 'column', parts: [{ value: 'my col', quoted: true }] });
    expect(exprOf('`a``b`')).toMatchObject({ kind: 'column', parts: [{ value: 'a`b', quoted: true }] });
    expect(exprOf('`select`')).toMatchObject({ kind: 'column', parts: [{ value: 'select', quoted: true }] });
    expect(exprOf('Price')).toMatchObject({ kind: 'column', parts: [{ value: 'Price', quoted: false }] });
  });
});

// ---------------------------------------------------------------------------------------

describe('keywords as names', () => {
  const words = [
    'date_time', 'extra', 'name', 'city', 'state', 'id', 'channel', 'url', 'price', 'category', 'description', 'reserve',
    'expires', 'seller', 'auction', 'bidder', 'window_start', 'window_end', 'window_time', 'rowtime', 'proctime', 'hour',
    'minute', 'second', 'day', 'month', 'year', 'key', 'value', 'count', 'sum', 'time', 'date', 'timestamp', 'data', 'size',
    'step', 'slide', 'offset', 'gap', 'comment', 'watermark', 'position', 'trim', 'extract', 'partition', 'unknown', 'first', 'last',
  ];

  it('accepts the Nexmark column names and other non-reserved words as column names', () => {
    const q = selectOf(`SELECT ${words.join(', ')} FROM t`);
    expect(q.items.map((i) => (i.kind === 'expr' && i.expr.kind === 'column' ? i.expr.parts[0]?.value : '?'))).toEqual(words);
  });

  it('accepts them as column definitions, aliases after AS, table names and qualified parts', () => {
    const table = one(`CREATE TABLE t (${words.map((w) => `${w} STRING`).join(', ')})`);
    expect(table.kind === 'create-table' && table.columns.map((c) => c.name.value)).toEqual(words);
    expect(selectOf('SELECT a AS offset, b AS value, c AS date FROM t').items.map((i) => (i.kind === 'expr' ? i.alias?.value : undefined))).toEqual(['offset', 'value', 'date']);
    expect(selectOf('SELECT a value, b date FROM t').items.map((i) => (i.kind === 'expr' ? i.alias?.value : undefined))).toEqual(['value', 'date']);
    expect(fromOf('SELECT * FROM data AS key')).toMatchObject({ name: { parts: [{ value: 'data' }] }, alias: { value: 'key' } });
    expect(exprOf('bid.timestamp')).toMatchObject(col('bid', 'timestamp'));
    expect(exprOf('timestamp > DATE \'2020-01-01\'')).toMatchObject({ op: '>', left: col('timestamp'), right: { kind: 'typed-literal' } });
  });

  it('reads OFFSET after a table as the OFFSET clause, never as an alias without AS', () => {
    expect(selectOf('SELECT a FROM t OFFSET 3')).toMatchObject({ from: { alias: undefined }, offset: num('3') });
  });

  it('keeps clause words reserved, and says how to quote one', () => {
    for (const w of ['SELECT', 'FROM', 'WHERE', 'GROUP', 'ORDER', 'BY', 'JOIN', 'LEFT', 'AND', 'NOT', 'NULL', 'CASE', 'END', 'TABLE', 'WINDOW']) {
      expect(RESERVED_WORDS.has(w)).toBe(true);
    }
    for (const w of ['DATE', 'TIMESTAMP', 'HOUR', 'KEY', 'OFFSET', 'WATERMARK', 'COMMENT', 'SET', 'VIEW', 'IF']) {
      expect(RESERVED_WORDS.has(w)).toBe(false);
    }
    const e = parseFailure('SELECT order FROM t');
    expect(e.message).toBe("unexpected 'order'");
    expect(e.hint).toContain('ORDER is a reserved word; to use it as a name, quote it: `order`');
  });

  it('exports the keyword list for completion', () => {
    expect(KEYWORDS).toContain('SELECT');
    expect(KEYWORDS).toContain('WATERMARK');
    expect([...KEYWORDS]).toEqual([...KEYWORDS].sort());
    expect(KEYWORDS.every((k) => k === k.toUpperCase())).toBe(true);
  });

  it('is case-insensitive for keywords and keeps the case of identifiers', () => {
    expect(one('select A from T where B is not null')).toMatchObject({
      kind: 'query',
      query: { items: [{ expr: col('A') }], from: { name: { parts: [{ value: 'T' }] } }, where: { kind: 'is', not: true } },
    });
    // Words that merely start with a keyword are identifiers.
    expect(exprOf('selection + innerx + into_x + rowsx')).toMatchObject({ kind: 'binary' });
  });
});

// ---------------------------------------------------------------------------------------

describe('Nexmark-style queries', () => {
  it('q5-style: a HOP TVF grouped by window_start, window_end', () => {
    const q = selectOf(`
      SELECT auction, window_start, window_end, COUNT(*) AS num
      FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
      GROUP BY auction, window_start, window_end`);
    expect(q).toMatchObject({
      items: [{ expr: col('auction') }, { expr: col('window_start') }, { expr: col('window_end') }, { expr: { upper: 'COUNT', star: true }, alias: { value: 'num' } }],
      from: { kind: 'table-function', name: { value: 'HOP' }, args: [{ kind: 'table' }, { kind: 'descriptor' }, { expr: { value: '2' } }, { expr: { value: '10' } }] },
      groupBy: [col('auction'), col('window_start'), col('window_end')],
    });
  });

  it('a TUMBLE window aggregation with COUNT(DISTINCT ...) FILTER', () => {
    const q = selectOf(`
      SELECT window_start, window_end,
        COUNT(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
        COUNT(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders
      FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' MINUTES))
      GROUP BY window_start, window_end`);
    expect(q.items[2]).toMatchObject({
      kind: 'expr',
      expr: { kind: 'function', upper: 'COUNT', distinct: true, args: [col('bidder')], filter: { kind: 'binary', op: '<', left: col('price'), right: num('10000') } },
      alias: { value: 'rank1_bidders' },
    });
    expect(q.items[3]).toMatchObject({ expr: { filter: { op: 'AND' } } });
    expect(q.groupBy).toMatchObject([col('window_start'), col('window_end')]);
  });

  it('a legacy SESSION group window with SESSION_START', () => {
    const q = selectOf(`
      SELECT bidder, SESSION_START(date_time, INTERVAL '10' SECOND) AS starttime, COUNT(*) AS cnt
      FROM bid
      GROUP BY SESSION(date_time, INTERVAL '10' SECOND), bidder`);
    expect(q).toMatchObject({
      items: [{}, { expr: { kind: 'function', upper: 'SESSION_START', args: [col('date_time'), { kind: 'interval', value: '10', unit: 'SECOND' }] } }, {}],
      groupBy: [{ kind: 'function', upper: 'SESSION', args: [col('date_time'), { kind: 'interval' }] }, col('bidder')],
    });
    expect(selectOf("SELECT TUMBLE_START(ts, INTERVAL '1' HOUR) FROM t GROUP BY TUMBLE(ts, INTERVAL '1' HOUR)").groupBy).toMatchObject([{ upper: 'TUMBLE' }]);
  });

  it('Top-N with ROW_NUMBER() OVER in a subquery', () => {
    const q = selectOf(`
      SELECT * FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum
        FROM bid
      ) WHERE rownum <= 3`);
    expect(q).toMatchObject({
      from: { kind: 'subquery', alias: undefined, query: { items: [{ kind: 'star' }, { expr: { upper: 'ROW_NUMBER', over: { orderBy: [{ direction: 'DESC' }] } }, alias: { value: 'rownum' } }] } },
      where: { op: '<=' },
    });
  });

  it('a CASE expression over a join of two window aggregations', () => {
    const q = selectOf(`
      SELECT P.id, P.name, CASE WHEN A.cnt > 10 THEN 'busy' ELSE 'quiet' END AS activity
      FROM person P JOIN (SELECT seller, COUNT(*) AS cnt FROM auction GROUP BY seller) A ON P.id = A.seller
      WHERE P.state IN ('OR', 'ID', 'CA') AND A.category = 10`);
    expect(q).toMatchObject({
      items: [{ expr: col('P', 'id') }, { expr: col('P', 'name') }, { expr: { kind: 'case' }, alias: { value: 'activity' } }],
      from: { kind: 'join', left: { alias: { value: 'P' } }, right: { kind: 'subquery', alias: { value: 'A' } }, on: { op: '=' } },
      where: { op: 'AND', left: { kind: 'in-list', list: [str('OR'), str('ID'), str('CA')] } },
    });
  });
});

// ---------------------------------------------------------------------------------------

describe('spans', () => {
  it('points at a column reference exactly', () => {
    const q = selectOf('SELECT pricee FROM bid');
    expect(q.items[0]).toMatchObject({ expr: { kind: 'column', span: { start: 7, end: 13 }, parts: [{ value: 'pricee', span: { start: 7, end: 13 } }] } });
    expect(q.from?.span).toEqual({ start: 19, end: 22 });
  });

  it('covers operators from the left operand to the right one, and calls with FILTER and OVER', () => {
    const text = 'SELECT a + b * 2, COUNT(*) FILTER (WHERE x > 1), SUM(a) OVER (ORDER BY ts), x NOT IN (1, 2), y IS NULL FROM t';
    const q = selectOf(text);
    const texts = q.items.map((i) => (i.kind === 'expr' ? spanText(text, i.expr.span) : ''));
    expect(texts).toEqual(['a + b * 2', 'COUNT(*) FILTER (WHERE x > 1)', 'SUM(a) OVER (ORDER BY ts)', 'x NOT IN (1, 2)', 'y IS NULL']);
  });

  it('covers each statement without its `;`, and each query clause', () => {
    const text = "  SELECT a FROM t ;\nCREATE TABLE x (a INT) WITH ('k' = 'v');";
    const [s1, s2] = parse(text);
    expect(spanText(text, s1!.span)).toBe('SELECT a FROM t');
    expect(spanText(text, s2!.span)).toBe("CREATE TABLE x (a INT) WITH ('k' = 'v')");
    const q = queryOf('SELECT a FROM t ORDER BY a LIMIT 1');
    expect(q.span).toEqual({ start: 0, end: 34 });
  });

  it('nests every child span inside its parent span', () => {
    const text = `WITH c AS (SELECT * FROM bid)
      SELECT b.auction, COUNT(DISTINCT b.bidder) FILTER (WHERE b.price > 1) AS n,
        CASE WHEN EXTRACT(HOUR FROM b.date_time) > 12 THEN TRIM(b.url) ELSE CAST(b.price AS STRING) END,
        ROW_NUMBER() OVER (PARTITION BY b.auction ORDER BY b.price DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
      FROM TABLE(TUMBLE(TABLE c, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) AS b
        LEFT JOIN person FOR SYSTEM_TIME AS OF b.proctime p ON p.id = b.bidder
      WHERE b.price BETWEEN 1 AND 10 AND NOT EXISTS (SELECT 1 FROM x WHERE x.a = b.auction)
      GROUP BY b.auction HAVING COUNT(*) > 1
      UNION ALL SELECT 1, 2, 3, 4 ORDER BY 1 LIMIT 5`;
    const [statement] = parse(text);
    let checked = 0;
    const walk = (node: unknown, parent: Span): void => {
      if (Array.isArray(node)) {
        for (const child of node) walk(child, parent);
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const span = (node as { span?: Span }).span;
      let inner = parent;
      if (span !== undefined) {
        expect(span.start).toBeLessThan(span.end);
        expect(span.start).toBeGreaterThanOrEqual(parent.start);
        expect(span.end).toBeLessThanOrEqual(parent.end);
        inner = span;
        checked++;
      }
      for (const [key, value] of Object.entries(node)) if (key !== 'span') walk(value, inner);
    };
    walk(statement, { start: 0, end: text.length });
    expect(checked).toBeGreaterThan(80);
  });
});

// ---------------------------------------------------------------------------------------

describe('syntax errors', () => {
  it('points at a misspelt keyword that parsed as an alias', () => {
    const e = parseFailure('SELECT a FORM t');
    expect(e).toMatchObject({ kind: 'parse', message: "unexpected 'FORM'", span: { start: 9, end: 13 } });
    expect(e.hint).toBe("expected FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, ',' or ';'; did you mean FROM?");
    expect(e.source?.text).toBe('SELECT a FORM t');
    expect(parseFailure('SELECT a FROM t WHER x = 1')).toMatchObject({ message: "unexpected 'WHER'", span: { start: 16, end: 20 } });
  });

  it('reports an empty select list', () => {
    const e = parseFailure('SELECT FROM t');
    expect(e).toMatchObject({ message: "unexpected 'FROM'", span: { start: 7, end: 11 }, hint: "expected an expression, ALL, DISTINCT or '*'" });
  });

  it('reports a trailing comma in a column list', () => {
    const e = parseFailure('CREATE TABLE t (a INT,)');
    expect(e).toMatchObject({ message: "unexpected ')'", span: { start: 22, end: 23 } });
    expect(e.hint).toBe("expected an identifier, WATERMARK, CONSTRAINT or PRIMARY KEY; is there an extra ',' before it?");
  });

  it('reports a missing closing parenthesis, before other tokens and at the end', () => {
    expect(parseFailure('SELECT (a + b FROM t')).toMatchObject({ message: "unexpected 'FROM'", span: { start: 14, end: 18 }, hint: "expected ')', ',' or an operator" });
    expect(parseFailure('SELECT COUNT(a FROM t')).toMatchObject({ message: "unexpected 'FROM'", span: { start: 15 } });
    expect(parseFailure('SELECT (a + b')).toMatchObject({ message: 'unexpected end of input', span: { start: 13, end: 13 }, hint: "expected ')', ',' or an operator" });
  });

  it('reports lexical errors with their position', () => {
    expect(parseFailure("SELECT 'abc")).toMatchObject({ kind: 'parse', message: 'unterminated string literal', span: { start: 7, end: 8 } });
    expect(parseFailure("SELECT 'abc")).toHaveProperty('hint', "end the string with ' (write '' for a quote inside a string)");
    expect(parseFailure('SELECT `abc')).toMatchObject({ message: 'unterminated quoted identifier', span: { start: 7 } });
    expect(parseFailure('SELECT a /* never closed\n FROM t')).toMatchObject({ message: 'unterminated block comment', span: { start: 9, end: 11 } });
    expect(parseFailure('SELECT a # b')).toMatchObject({ message: "unexpected character '#'", span: { start: 9, end: 10 } });
    expect(parseFailure('SELECT "a" FROM t')).toMatchObject({ message: 'double quotes are not used in this dialect', span: { start: 7, end: 10 } });
    expect(parseFailure('SELECT ``')).toMatchObject({ message: 'empty quoted identifier', span: { start: 7, end: 9 } });
  });

  it('names what was expected in plain words, without grammar internals', () => {
    const hints = [
      'SELEC a FROM t',
      'SELECT a FROM t GROUP a',
      'SELECT a FROM',
      'INSERT t SELECT 1',
      'SELECT CAST(a AS ) FROM t',
      'SELECT a FROM t WHERE a BETWEEN 1',
      "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR) x",
      "SELECT INTERVAL '1' FROM t",
      'CREATE FUNCTION f AS x',
      'SELECT a FROM t ORDER BY a DESCC',
    ].map((t) => parseFailure(t).hint);
    expect(hints).toEqual([
      "expected a statement (SELECT, INSERT, CREATE, SET, EXPLAIN, ...) or ';'; did you mean SELECT?",
      'expected BY',
      "expected an identifier, TABLE, LATERAL, UNNEST or '('",
      'expected INTO or OVERWRITE',
      'expected a data type',
      'expected AND or an operator',
      "expected ')'",
      'expected an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH or YEAR)',
      'expected a string literal',
      "expected LIMIT, ASC, DESC, NULLS, ',', OFFSET, an operator or ';'; did you mean DESC?",
    ]);
    for (const h of hints) {
      expect(h).not.toMatch(/Identifier|NonReserved|AliasWord|StringLiteral|Operator|Rule|-->|<-/);
      expect((h ?? '').split(', ').length).toBeLessThanOrEqual(8);
    }
  });

  it('points at the right statement of a script, with line and column when formatted', () => {
    const text = 'SELECT 1;\nSELECT 2;\nSELECT a,, b FROM t;';
    const e = parseFailure(text);
    expect(e).toMatchObject({ message: "unexpected ','", span: { start: 29, end: 30 } });
    expect(formatError(e)).toBe(
      [
        "error: unexpected ','",
        ' --> test.sql:3:10',
        '  |',
        '3 | SELECT a,, b FROM t;',
        '  |          ^',
        "  = hint: expected an expression or '*'; is there an extra ',' before it?",
      ].join('\n'),
    );
  });
  it('turns every truncation and every one-token deletion of a script into a parse error with a valid span', () => {
    const text = `CREATE TABLE bid (a BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('k' = 'v');
      BEGIN STATEMENT SET; INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t; END;
      SELECT b.a, COUNT(DISTINCT b.c) FILTER (WHERE b.p > 1), ROW_NUMBER() OVER (PARTITION BY b.a ORDER BY b.p DESC)
      FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) AS b JOIN ((SELECT 1) UNION (SELECT 2)) u ON TRUE
      WHERE b.p BETWEEN 1 AND 10 AND NOT EXISTS (SELECT 1 FROM x WHERE x.a IN (1, 2)) GROUP BY b.a ORDER BY 1 LIMIT 5`;
    // Token boundaries, found without the lexer: offsets where a word or symbol starts.
    const starts = [...text.matchAll(/'[^']*'|\w+|[^\s\w]/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    const variants = [...starts.map((t) => text.slice(0, t.start)), ...starts.map((t) => text.slice(0, t.start) + text.slice(t.end))];
    let failures = 0;
    for (const variant of variants) {
      try {
        parseScript(src(variant));
      } catch (e) {
        expect(e).toBeInstanceOf(WeirError);
        const err = e as WeirError;
        expect(err.kind === 'parse' || err.kind === 'not-supported').toBe(true);
        expect(err.span!.start).toBeGreaterThanOrEqual(0);
        expect(err.span!.end).toBeLessThanOrEqual(variant.length);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(variants.length / 2);
  });
});

// ---------------------------------------------------------------------------------------

describe('splitStatements', () => {
  it('splits on `;` outside strings, quoted identifiers and comments', () => {
    const text = "SELECT 'a;b' FROM `x;y`; -- not ; here\nSELECT 2 /* ; */ ;\n\n SELECT 3";
    expect(splitStatements(text)).toEqual([
      { text: "SELECT 'a;b' FROM `x;y`;", start: 0, end: 24, complete: true },
      { text: 'SELECT 2 /* ; */ ;', start: 39, end: 57, complete: true },
      { text: 'SELECT 3', start: 60, end: 68, complete: false },
    ]);
  });

  it('drops empty statements and comment-only text', () => {
    expect(splitStatements(';; -- c\n /* d */ ;')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });

  it('keeps a statement set together until the `;` after its END', () => {
    const text = 'BEGIN STATEMENT SET;\nINSERT INTO a SELECT CASE WHEN x THEN 1 END;\n';
    expect(splitStatements(text)).toMatchObject([{ start: 0, complete: false }]);
    const done = `${text}END;\nSELECT 1;`;
    expect(splitStatements(done)).toMatchObject([
      { text: `${text}END;`, complete: true },
      { text: 'SELECT 1;', complete: true },
    ]);
    expect(splitStatements('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;')).toMatchObject([{ complete: true }]);
    // Each chunk of a complete script parses on its own.
    for (const chunk of splitStatements(done)) expect(parseStatement(src(chunk.text)).kind).toMatch(/statement-set|query/);
  });

  it('never throws, and marks unfinished input incomplete', () => {
    expect(splitStatements("SELECT 'abc; SELECT 1")).toMatchObject([{ complete: false }]);
    expect(splitStatements('SELECT 1; /* open')).toMatchObject([{ complete: true }, { text: '/* open', complete: false }]);
    expect(splitStatements('SELECT #;')).toMatchObject([{ text: 'SELECT #;', complete: true }]);
    expect(splitStatements('SELECT (1,\n')).toMatchObject([{ text: 'SELECT (1,', complete: false }]);
  });
});
