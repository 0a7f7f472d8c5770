// CREATE TABLE ... AS SELECT, CREATE TABLE ... LIKE (Flink's like options), ALTER TABLE, and the
// "not supported yet" errors for Flink statements and clauses weir lacks.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import type { StatementResult } from '../../src/sql/session.js';
import { WeirError, lineColumn } from '../../src/common/errors.js';
import { parseScript } from '../../src/sql/parse.js';

function run(session: Session, sql: string): StatementResult[] {
  return session.executeScript({ name: 't.sql', text: sql }).map((r) => r.result);
}

function failure(session: Session, sql: string): { message: string; at: string | undefined; hint: string | undefined; kind: string } {
  try {
    run(session, sql);
  } catch (e) {
    if (!(e instanceof WeirError)) throw e;
    const lc = e.span === undefined ? undefined : lineColumn(sql, e.span.start);
    return { message: e.message, at: lc === undefined ? undefined : `${lc.line}:${lc.column}`, hint: e.hint, kind: e.kind };
  }
  throw new Error('expected an error');
}

function show(session: Session, name: string): string {
  const [r] = run(session, `SHOW CREATE TABLE ${name};`);
  if (r?.kind !== 'explain') throw new Error('expected text');
  return r.text;
}

const BASE = `CREATE TABLE base (
  id BIGINT NOT NULL, name STRING, ts TIMESTAMP(3),
  up AS UPPER(name),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'filesystem', 'path' = '/data/in.csv', 'format' = 'csv');
`;

describe('CREATE TABLE ... LIKE', () => {
  it('default: INCLUDING ALL OVERWRITING OPTIONS; source columns first, then the new ones', () => {
    const s = new Session();
    run(s, `${BASE}CREATE TABLE d (extra INT, twice AS id * 2) WITH ('path' = '/data/other.csv', 'csv.field-delimiter' = ';') LIKE base;`);
    expect(show(s, 'd')).toBe(
      [
        'CREATE TABLE `default_catalog`.`default_database`.`d` (',
        '  `id` BIGINT NOT NULL,',
        '  `name` STRING,',
        '  `ts` TIMESTAMP(3),',
        '  `up` AS UPPER(name),',
        '  `extra` INT,',
        '  `twice` AS id * 2,',
        "  WATERMARK FOR `ts` AS ts - INTERVAL '2' SECOND,",
        '  PRIMARY KEY (`id`) NOT ENFORCED',
        ')',
        'WITH (',
        "  'connector' = 'filesystem',",
        "  'path' = '/data/other.csv',",
        "  'format' = 'csv',",
        "  'csv.field-delimiter' = ';'",
        ')',
      ].join('\n'),
    );
  });

  it('EXCLUDING ALL INCLUDING GENERATED keeps the physical and computed columns only', () => {
    const s = new Session();
    run(s, `${BASE}CREATE TABLE d WITH ('connector' = 'print') LIKE base (EXCLUDING ALL INCLUDING GENERATED);`);
    expect(show(s, 'd')).toBe("CREATE TABLE `default_catalog`.`default_database`.`d` (\n  `id` BIGINT NOT NULL,\n  `name` STRING,\n  `ts` TIMESTAMP(3),\n  `up` AS UPPER(name)\n)\nWITH (\n  'connector' = 'print'\n)");
  });

  it('OVERWRITING WATERMARKS and OVERWRITING GENERATED replace the source definitions', () => {
    const s = new Session();
    run(s, `${BASE}CREATE TABLE d (up AS LOWER(name), WATERMARK FOR ts AS ts) LIKE base (OVERWRITING WATERMARKS OVERWRITING GENERATED EXCLUDING CONSTRAINTS);`);
    const text = show(s, 'd');
    expect(text).toContain('`up` AS LOWER(name)');
    expect(text).toContain('WATERMARK FOR `ts` AS ts\n');
    expect(text).not.toContain('PRIMARY KEY');
  });

  it('clashes under INCLUDING are errors at the clashing definition', () => {
    const s = new Session();
    run(s, BASE);
    expect(failure(s, `CREATE TABLE d (name INT) LIKE base;`)).toMatchObject({ message: "a column named 'name' already exists in the LIKE table base", at: '1:17' });
    expect(failure(s, `CREATE TABLE d (up AS LOWER(name)) LIKE base;`)).toMatchObject({ message: "a column named 'up' already exists in the LIKE table base", at: '1:17' });
    expect(failure(s, `CREATE TABLE d (WATERMARK FOR ts AS ts) LIKE base;`)).toMatchObject({ message: 'the LIKE table base already has a watermark (on ts)', at: '1:17' });
    expect(failure(s, `CREATE TABLE d (PRIMARY KEY (name) NOT ENFORCED) LIKE base;`)).toMatchObject({ message: 'the LIKE table base already has a primary key', at: '1:30' });
    expect(failure(s, `CREATE TABLE d WITH ('format' = 'json') LIKE base (INCLUDING OPTIONS);`)).toMatchObject({ message: "the LIKE table base already has option 'format' ('csv')", at: '1:22' });
    expect(failure(s, `CREATE TABLE d LIKE base (OVERWRITING ALL);`)).toMatchObject({ message: 'OVERWRITING ALL is not allowed', at: '1:27' });
    expect(failure(s, `CREATE TABLE d LIKE base (EXCLUDING OPTIONS INCLUDING OPTIONS);`)).toMatchObject({ message: 'each LIKE option feature can be given only once: OPTIONS is given twice', at: '1:45' });
    expect(failure(s, `CREATE TABLE d LIKE nope;`)).toMatchObject({ message: "table or view 'nope' not found", at: '1:21' });
  });

  it('the merged table is checked like any CREATE TABLE, the error pointing at the statement', () => {
    const s = new Session();
    run(s, BASE);
    const f = failure(s, `CREATE TABLE d LIKE base (EXCLUDING OPTIONS);`);
    expect(f.message).toMatch(/^table d has no 'connector' option/);
    expect(f.at).toBe('1:1');
  });
});

describe('CREATE TABLE ... AS SELECT', () => {
  it("creates the table with the query's columns and returns the INSERT", () => {
    const s = new Session();
    const [, r] = run(s, `${BASE}CREATE TABLE out WITH ('connector' = 'print') AS SELECT id, up AS shout, ts FROM base WHERE id > 1;`);
    expect(r?.kind).toBe('insert');
    if (r?.kind !== 'insert') return;
    expect(r.sinks[0]!.table.name).toBe('out');
    expect(r.ddl).toBe("CREATE TABLE `out` (`id` BIGINT, `shout` STRING, `ts` TIMESTAMP(3)) WITH ('connector' = 'print')");
    expect(show(s, 'out')).toContain('`shout` STRING');
  });

  it('an unnamed expression, a column list, and an updating query into an append-only sink are errors; the table is not left behind', () => {
    const s = new Session();
    run(s, BASE);
    expect(failure(s, `CREATE TABLE out WITH ('connector' = 'print') AS SELECT id + 1 FROM base;`)).toMatchObject({ message: "the query's column EXPR$0 has no name", at: '1:50' });
    expect(failure(s, `CREATE TABLE out (a INT) WITH ('connector' = 'print') AS SELECT id FROM base;`)).toMatchObject({ message: 'CREATE TABLE ... AS SELECT with a column list is not supported yet', at: '1:1' });
    const f = failure(s, `CREATE TABLE out WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv') AS SELECT name, COUNT(*) AS n FROM base GROUP BY name;`);
    expect(f.message).toMatch(/produces an updating result/);
    expect(s.catalog.has('out')).toBe(false);
  });

  it('IF NOT EXISTS with an existing table inserts into it', () => {
    const s = new Session();
    const [, , r] = run(s, `${BASE}CREATE TABLE out (id BIGINT) WITH ('connector' = 'print');\nCREATE TABLE IF NOT EXISTS out AS SELECT id FROM base;`);
    expect(r).toMatchObject({ kind: 'insert' });
    expect(failure(s, 'CREATE TABLE out AS SELECT id FROM base;')).toMatchObject({ message: "table or view 'out' already exists", at: '1:14' });
  });
});

describe('ALTER TABLE', () => {
  it('SET and RESET options, checked like CREATE TABLE options', () => {
    const s = new Session();
    const [, set, reset] = run(s, `${BASE}ALTER TABLE base SET ('csv.field-delimiter' = ';', 'path' = '/data/b.csv');\nALTER TABLE base RESET ('csv.field-delimiter');`);
    expect(set).toEqual({ kind: 'ok', message: "table base altered: set 'csv.field-delimiter', 'path'" });
    expect(reset).toEqual({ kind: 'ok', message: "table base altered: reset 'csv.field-delimiter'" });
    const t = s.catalog.get('base');
    expect(t?.kind === 'table' ? [...t.options] : []).toEqual([['connector', 'filesystem'], ['path', '/data/b.csv'], ['format', 'csv']]);
    const bad = failure(s, "ALTER TABLE base SET ('csv.field-delimitr' = ';');");
    expect(bad.message).toBe("unsupported option 'csv.field-delimitr' for connector 'filesystem'");
    expect(bad.at).toBe('1:23');
    expect(failure(s, "ALTER TABLE base RESET ('connector');")).toMatchObject({ message: "option 'connector' cannot be reset", at: '1:25' });
    expect(failure(s, "ALTER TABLE nope SET ('a' = 'b');")).toMatchObject({ message: "table or view 'nope' not found", at: '1:13' });
    expect(run(s, "ALTER TABLE IF EXISTS nope SET ('a' = 'b');")[0]).toEqual({ kind: 'ok', message: 'table nope does not exist (nothing altered)' });
  });

  it('RENAME TO', () => {
    const s = new Session();
    const [, r] = run(s, `${BASE}ALTER TABLE base RENAME TO renamed;`);
    expect(r).toEqual({ kind: 'ok', message: 'table base renamed to renamed' });
    expect(s.catalog.names()).toEqual(['renamed']);
  });
});

describe('statements and clauses weir does not support yet', () => {
  const fail = (sql: string) => {
    try {
      parseScript({ name: 't.sql', text: sql });
    } catch (e) {
      if (!(e instanceof WeirError)) throw e;
      const lc = lineColumn(sql, e.span!.start);
      return { kind: e.kind, message: e.message, at: `${lc.line}:${lc.column}` };
    }
    throw new Error('expected an error');
  };
  it.each([
    ["CREATE CATALOG c WITH ('type' = 'x')", 'CREATE CATALOG is not supported yet', '1:1'],
    ['USE CATALOG c', 'USE CATALOG is not supported yet', '1:1'],
    ['CREATE DATABASE d', 'CREATE DATABASE is not supported yet', '1:1'],
    ['USE d', 'USE is not supported yet', '1:1'],
    ['SHOW DATABASES', 'SHOW DATABASES is not supported yet', '1:1'],
    ['ANALYZE TABLE t COMPUTE STATISTICS', 'ANALYZE TABLE is not supported yet', '1:1'],
    ['ALTER TABLE t ADD c INT', 'ALTER TABLE ... ADD is not supported yet', '1:1'],
    ["INSERT INTO t PARTITION (dt = '1') SELECT * FROM s", 'a PARTITION clause is not supported yet', '1:15'],
  ])('%s', (sql, message, at) => {
    expect(fail(sql)).toEqual({ kind: 'not-supported', message, at });
  });

  it('lists every unsupported construct of the statement, with positions', () => {
    const sql = "INSERT INTO t PARTITION (dt = '1')\nSELECT * FROM s DISTRIBUTED BY (a)";
    expect(fail(sql)).toEqual({ kind: 'not-supported', message: 'this statement uses 2 things weir does not support yet: a PARTITION clause (at 1:15), DISTRIBUTED BY (at 2:17)', at: '1:15' });
  });

  it('an ordinary syntax error near a listed word stays a syntax error', () => {
    expect(fail('SELECT a FROM t WHERE')).toMatchObject({ kind: 'parse' });
    // the failure is before the unsupported clause: a typo, not the clause
    expect(fail('SELEC * FROM t MATCH_RECOGNIZE (PATTERN (A) DEFINE A AS TRUE)')).toMatchObject({ kind: 'parse', at: '1:1' });
  });

  it('ROLLUP, CUBE and GROUPING outside GROUP BY say where they belong', () => {
    const s = new Session();
    run(s, BASE);
    expect(failure(s, 'SELECT ROLLUP(name) FROM base;')).toMatchObject({ kind: 'bind', message: 'ROLLUP is only allowed as an element of GROUP BY', at: '1:8' });
    expect(failure(s, 'SELECT name FROM base WHERE GROUPING(name) = 0;')).toMatchObject({ kind: 'bind', message: 'GROUPING(...) is only allowed in the SELECT list or HAVING of a query with GROUP BY' });
    expect(failure(s, 'SELECT name, COUNT(*) FROM base GROUP BY CUBE(ROLLUP(name));')).toMatchObject({ kind: 'bind', message: 'ROLLUP cannot be nested in CUBE' });
  });
});
