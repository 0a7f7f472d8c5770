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
    // id is declared NOT NULL in base, so the query's column is too, and CTAS keeps it (Flink's CTAS takes the query's nullability)
    expect(r.ddl).toBe("CREATE TABLE `out` (`id` BIGINT NOT NULL, `shout` STRING, `ts` TIMESTAMP(3)) WITH ('connector' = 'print')");
    expect(show(s, 'out')).toContain('`shout` STRING');
  });

  it('an unnamed expression, a column list, and an updating query into an append-only sink are errors; the table is not left behind', () => {
    const s = new Session();
    run(s, BASE);
    expect(failure(s, `CREATE TABLE out WITH ('connector' = 'print') AS SELECT id + 1 FROM base;`)).toMatchObject({ message: "the query's column EXPR$0 has no name", at: '1:50' });
    const f = failure(s, `CREATE TABLE out WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv') AS SELECT name, COUNT(*) AS n FROM base GROUP BY name;`);
    expect(f.message).toMatch(/produces an updating result/);
    expect(s.catalog.has('out')).toBe(false);
  });

  it("a column list (Flink 2.0): new columns first, redefined query columns in the query's order with their new types, a key", () => {
    const s = new Session();
    run(s, BASE);
    const [r] = run(s, `CREATE TABLE out (note STRING, id DOUBLE NOT NULL, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'print') AS SELECT name, id FROM base;`);
    expect(show(s, 'out')).toBe("CREATE TABLE `default_catalog`.`default_database`.`out` (\n  `note` STRING,\n  `name` STRING,\n  `id` DOUBLE NOT NULL,\n  PRIMARY KEY (`id`) NOT ENFORCED\n)\nWITH (\n  'connector' = 'print'\n)");
    expect(r?.kind).toBe('insert');
    if (r?.kind !== 'insert') return;
    // the query's id (BIGINT) is cast into the DOUBLE column; note is NULL
    const schema = r.sinks[0]!.input.schema.map((f) => `${f.name} ${f.type.kind}`);
    expect(schema).toEqual(['note STRING', 'name STRING', 'id DOUBLE']);
    expect(failure(s, `CREATE TABLE out2 (name INT) WITH ('connector' = 'print') AS SELECT name FROM base;`).message).toMatch(/STRING, but sink column name is INT/);
    expect(s.catalog.has('out2')).toBe(false);
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

  it('ADD columns (FIRST, AFTER a column added in the same statement), a watermark and a key', () => {
    const s = new Session();
    run(s, "CREATE TABLE t (a BIGINT, b INT, d TIMESTAMP(3)) WITH ('connector' = 'datagen');");
    run(s, "ALTER TABLE t ADD (e AS UPPER(CAST(b AS STRING)) FIRST, WATERMARK FOR d AS d - INTERVAL '2' SECOND, f DOUBLE NOT NULL AFTER e, PRIMARY KEY (a) NOT ENFORCED);");
    run(s, 'ALTER TABLE t ADD g STRING AFTER a;');
    expect(show(s, 't')).toBe(
      "CREATE TABLE `default_catalog`.`default_database`.`t` (\n  `e` AS UPPER(CAST(b AS STRING)),\n  `f` DOUBLE NOT NULL,\n  `a` BIGINT,\n  `g` STRING,\n  `b` INT,\n  `d` TIMESTAMP(3),\n  WATERMARK FOR `d` AS d - INTERVAL '2' SECOND,\n  PRIMARY KEY (`a`) NOT ENFORCED\n)\nWITH (\n  'connector' = 'datagen'\n)",
    );
    // Flink's errors, at the clashing element; the table is unchanged after each
    expect(failure(s, 'ALTER TABLE t ADD (b STRING);')).toMatchObject({ message: 'Try to add a column `b` which already exists in the table.', at: '1:20' });
    expect(failure(s, 'ALTER TABLE t ADD (h STRING AFTER x);')).toMatchObject({ message: "Referenced column `x` by 'AFTER' does not exist in the table.", at: '1:35' });
    expect(failure(s, 'ALTER TABLE t ADD PRIMARY KEY (b) NOT ENFORCED;')).toMatchObject({ message: 'The base table has already defined the primary key constraint [`a`]. You might want to drop it before adding a new one.', at: '1:19' });
    expect(failure(s, 'ALTER TABLE t ADD WATERMARK FOR d AS d;').message).toBe("The base table has already defined the watermark strategy `d` AS d - INTERVAL '2' SECOND. You might want to drop it before adding a new one.");
    expect(failure(s, 'ALTER TABLE t ADD x AS nope + 1;').message).toMatch(/nope/);
    expect(s.catalog.get('t')?.kind === 'table' ? (s.catalog.get('t') as { readonly columns: readonly { readonly name: string }[] }).columns.map((c) => c.name) : []).toEqual(['e', 'f', 'a', 'g', 'b', 'd']);
  });

  it('MODIFY, DROP and RENAME a column, the watermark and the key, with Flink\'s rules', () => {
    const s = new Session();
    run(s, "CREATE TABLE t (a BIGINT, b INT, c STRING, e AS a * 2 + b, ts TIMESTAMP(3), PRIMARY KEY (c) NOT ENFORCED, WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');");
    expect(failure(s, 'ALTER TABLE t MODIFY (x STRING FIRST);')).toMatchObject({ message: 'Try to modify a column `x` which does not exist in the table.', at: '1:23' });
    expect(failure(s, 'ALTER TABLE t DROP (a);')).toMatchObject({ message: 'The column `a` is referenced by computed column `e`.', at: '1:21' });
    expect(failure(s, 'ALTER TABLE t DROP c;')).toMatchObject({ message: 'The column `c` is used as the primary key.', at: '1:20' });
    expect(failure(s, 'ALTER TABLE t DROP ts;').message).toBe('The column `ts` is referenced by watermark expression.');
    expect(failure(s, 'ALTER TABLE t DROP (b, b);').message).toBe('Duplicate column `b`.');
    expect(failure(s, 'ALTER TABLE t DROP nope;').message).toBe('The column `nope` does not exist in the base table.');
    expect(failure(s, 'ALTER TABLE t RENAME a TO b;').message).toBe('The column `a` is referenced by computed column `e`.');
    run(s, 'ALTER TABLE t MODIFY (b BIGINT FIRST, e AS a * 3);');
    run(s, 'ALTER TABLE t DROP (e, a);'); // e reads a: dropped together
    run(s, 'ALTER TABLE t DROP PRIMARY KEY;');
    run(s, 'ALTER TABLE t DROP WATERMARK;');
    run(s, 'ALTER TABLE t RENAME c TO name;');
    expect(show(s, 't')).toBe("CREATE TABLE `default_catalog`.`default_database`.`t` (\n  `b` BIGINT,\n  `name` STRING,\n  `ts` TIMESTAMP(3)\n)\nWITH (\n  'connector' = 'datagen'\n)");
    expect(failure(s, 'ALTER TABLE t DROP PRIMARY KEY;').message).toBe('The base table does not define any primary key.');
    expect(failure(s, 'ALTER TABLE t DROP WATERMARK;').message).toBe('The base table does not define any watermark strategy.');
    expect(failure(s, 'ALTER TABLE t MODIFY PRIMARY KEY (b) NOT ENFORCED;').message).toBe('The base table does not define any primary key constraint. You might want to add a new one.');
    expect(failure(s, 'ALTER TABLE t MODIFY WATERMARK FOR ts AS ts;').message).toBe('The base table does not define any watermark. You might want to add a new one.');
    expect(failure(s, 'ALTER TABLE t RENAME b TO name;').message).toBe('The column `name` already existed in table schema.');
  });

  it('ALTER VIEW v RENAME TO / AS SELECT', () => {
    const s = new Session();
    run(s, `${BASE}CREATE VIEW v AS SELECT id FROM base;\nALTER VIEW v RENAME TO w;\nALTER VIEW w AS SELECT id, name FROM base;`);
    expect(s.catalog.names().sort()).toEqual(['base', 'w']);
    const [r] = run(s, 'SHOW CREATE VIEW w;');
    expect(r).toEqual({ kind: 'explain', text: 'CREATE VIEW `default_catalog`.`default_database`.`w` (\n  `id`,\n  `name`\n)\nAS SELECT id, name FROM base' });
    expect(failure(s, 'ALTER VIEW base RENAME TO x;').message).toBe('base is a table, not a view');
  });
});

describe('METADATA columns', () => {
  const FILES = `CREATE TABLE f (
  id INT,
  fname STRING METADATA FROM 'file.name' VIRTUAL,
  \`file.size\` BIGINT METADATA VIRTUAL,
  p STRING METADATA FROM 'file.path'
) WITH ('connector' = 'filesystem', 'path' = '/data/in', 'format' = 'csv');
`;
  it('SHOW CREATE TABLE and DESCRIBE print them as Flink does; LIKE carries them (the METADATA like option); ALTER TABLE keeps them', () => {
    const s = new Session();
    run(s, FILES);
    expect(show(s, 'f')).toBe(
      "CREATE TABLE `default_catalog`.`default_database`.`f` (\n  `id` INT,\n  `fname` STRING METADATA FROM 'file.name' VIRTUAL,\n  `file.size` BIGINT METADATA VIRTUAL,\n  `p` STRING METADATA FROM 'file.path'\n)\nWITH (\n  'connector' = 'filesystem',\n  'path' = '/data/in',\n  'format' = 'csv'\n)",
    );
    const [d] = run(s, 'DESCRIBE f;');
    expect(d?.kind === 'table' ? d.rows.map((r) => r[4]) : []).toEqual(['', "METADATA FROM 'file.name' VIRTUAL", 'METADATA VIRTUAL', "METADATA FROM 'file.path'"]);
    run(s, 'CREATE TABLE g (extra INT) LIKE f; CREATE TABLE h LIKE f (EXCLUDING METADATA);');
    expect(show(s, 'g')).toContain("  `fname` STRING METADATA FROM 'file.name' VIRTUAL,\n  `file.size` BIGINT METADATA VIRTUAL,\n  `p` STRING METADATA FROM 'file.path',\n  `extra` INT\n)");
    expect(show(s, 'h')).toContain('(\n  `id` INT\n)');
    expect(failure(s, "CREATE TABLE k (fname STRING METADATA FROM 'file.path' VIRTUAL) LIKE f;").message).toBe("a column named 'fname' already exists in the LIKE table f");
    run(s, "CREATE TABLE k (fname STRING METADATA FROM 'file.path' VIRTUAL) LIKE f (OVERWRITING METADATA);");
    expect(show(s, 'k')).toContain("`fname` STRING METADATA FROM 'file.path' VIRTUAL");
    run(s, 'ALTER TABLE f ADD v STRING AFTER id;');
    expect(show(s, 'f')).toContain("  `id` INT,\n  `v` STRING,\n  `fname` STRING METADATA FROM 'file.name' VIRTUAL,");
    // a query reads them: the scan's schema has the declared types
    const [st] = parseScript({ name: 'q', text: 'SELECT fname, `file.size`, p FROM f' });
    expect(st!.kind === 'query' ? s.bindQuery(st.query, { name: 'q', text: '' }).schema.map((x) => `${x.name} ${x.type.kind}`) : []).toEqual(['fname STRING', 'file.size BIGINT', 'p STRING']);
  });

  it("Flink's errors: an unknown key (with the keys there are), a type that does not match, a connector without metadata, a persisted column in an INSERT target", () => {
    const s = new Session();
    const unknown = failure(s, "CREATE TABLE t (id INT, x STRING METADATA FROM 'file.owner') WITH ('connector' = 'filesystem', 'path' = '/d', 'format' = 'csv');");
    expect(unknown.message).toBe("Invalid metadata key 'file.owner' in column 'x' of table 't'. The DynamicTableSource class 'FileSystemTableSource' supports the following metadata keys for reading:\nfile.path\nfile.name\nfile.size\nfile.modification-time");
    expect(failure(s, "CREATE TABLE t (id INT, x DATE METADATA FROM 'file.size') WITH ('connector' = 'filesystem', 'path' = '/d', 'format' = 'csv');").message).toBe(
      "Invalid data type for metadata column 'x' of table 't'. The column cannot be declared as 'DATE' because the type must be castable from metadata type 'BIGINT NOT NULL'.",
    );
    expect(failure(s, "CREATE TABLE t (id INT, x STRING METADATA) WITH ('connector' = 'datagen');").message).toMatch(/^Table 't' declares metadata columns, but the underlying DynamicTableSource doesn't implement the SupportsReadingMetadata interface/);
    expect(failure(s, "CREATE TABLE t (id INT, x STRING METADATA, PRIMARY KEY (x) NOT ENFORCED) WITH ('connector' = 'filesystem', 'path' = '/d', 'format' = 'csv');").message).toBe("Invalid primary key 'PK_x'. Column 'x' is not a physical column.");
    run(s, "CREATE TABLE t (id INT, p STRING METADATA FROM 'file.path', n STRING METADATA FROM 'file.name' VIRTUAL) WITH ('connector' = 'filesystem', 'path' = '/d', 'format' = 'csv');");
    expect(failure(s, 'INSERT INTO t SELECT 1;')).toMatchObject({ message: expect.stringMatching(/^Table 't' declares persistable metadata columns, but the underlying DynamicTableSink doesn't implement the SupportsWritingMetadata interface/), at: '1:13' });
    run(s, 'ALTER TABLE t DROP p;');
    // VIRTUAL columns are not written: the INSERT targets the physical columns
    expect(run(s, 'INSERT INTO t SELECT 1;')[0]?.kind).toBe('insert');
    expect(failure(s, 'INSERT INTO t (id, n) SELECT 1, CAST(NULL AS STRING);').message).toMatch(/\bn\b/);
  });
});

describe('catalogs and databases', () => {
  const rows = (r: StatementResult | undefined): readonly (readonly string[])[] => (r?.kind === 'table' ? r.rows : []);
  it('CREATE / USE / SHOW / DROP, with qualified names resolved against the current catalog and database', () => {
    const s = new Session();
    const r = run(s, `SHOW CATALOGS; SHOW CURRENT CATALOG; SHOW CURRENT DATABASE;
CREATE DATABASE db1 COMMENT 'one'; CREATE DATABASE IF NOT EXISTS db1; USE db1;
CREATE TABLE t (a INT) WITH ('connector' = 'datagen');
CREATE VIEW v AS SELECT a FROM t;
USE default_database;
CREATE TABLE t (b STRING) WITH ('connector' = 'datagen');
SHOW DATABASES; SHOW TABLES; SHOW TABLES FROM db1; SHOW TABLES IN default_catalog.db1 LIKE 't%'; SHOW VIEWS FROM db1;`);
    expect(r[0]).toEqual({ kind: 'table', header: ['catalog name'], rows: [['default_catalog']] });
    expect(r[1]).toEqual({ kind: 'table', header: ['current catalog name'], rows: [['default_catalog']] });
    expect(r[2]).toEqual({ kind: 'table', header: ['current database name'], rows: [['default_database']] });
    expect(r.slice(10).map(rows)).toEqual([[['db1'], ['default_database']], [['t']], [['t'], ['v']], [['t']], [['v']]]);
    // the same name in two databases; a view resolves names where it was created
    const q = (sql: string): string[] => {
      const [st] = parseScript({ name: 'q', text: sql });
      return st!.kind === 'query' ? s.bindQuery(st.query, { name: 'q', text: sql }).schema.map((f) => f.name) : [];
    };
    expect(q('SELECT * FROM t')).toEqual(['b']);
    expect(q('SELECT * FROM db1.t')).toEqual(['a']);
    expect(q('SELECT * FROM default_catalog.db1.v')).toEqual(['a']);
    // a view made in default_database reads default_database's t, whatever is current later
    run(s, 'CREATE VIEW dv AS SELECT * FROM t; USE db1;');
    expect(q('SELECT * FROM default_database.dv')).toEqual(['b']);
    run(s, 'USE default_database;');
    expect(show(s, 'db1.t')).toContain('CREATE TABLE `default_catalog`.`db1`.`t` (');
    expect(failure(s, 'SELECT * FROM db2.t;')).toMatchObject({ message: "database 'db2' not found in catalog 'default_catalog'", at: '1:15' });
    expect(failure(s, 'USE db2;')).toMatchObject({ message: 'A database with name [db2] does not exist in the catalog: [default_catalog].', at: '1:5' });
    expect(failure(s, 'CREATE DATABASE db1;').message).toBe('Database db1 already exists in Catalog default_catalog.');
    expect(failure(s, 'DROP DATABASE db1;').message).toBe('Database db1 in catalog default_catalog is not empty.');
    expect(failure(s, 'DROP DATABASE default_database;').message).toBe('Cannot drop a database which is currently in use.');
    expect(failure(s, 'DROP DATABASE nope;').message).toBe('Database nope does not exist in Catalog default_catalog.');
    expect(failure(s, 'CREATE TABLE nope.x (a INT);').message).toBe('Database nope does not exist in Catalog default_catalog.');
    run(s, 'DROP DATABASE db1 CASCADE; DROP DATABASE IF EXISTS db1;');
    expect(rows(run(s, 'SHOW DATABASES;')[0])).toEqual([['default_database']]);
  });

  it("CREATE CATALOG ('type' = 'generic_in_memory'), USE CATALOG, DROP CATALOG", () => {
    const s = new Session();
    const r = run(s, "CREATE CATALOG c1 WITH ('type' = 'generic_in_memory'); USE CATALOG c1; SHOW CURRENT DATABASE; SHOW DATABASES; CREATE TABLE u (x INT) WITH ('connector' = 'datagen'); SHOW CATALOGS;");
    expect(rows(r[2])).toEqual([['default']]);
    expect(rows(r[3])).toEqual([['default']]);
    expect(rows(r[5])).toEqual([['c1'], ['default_catalog']]);
    expect(show(s, 'u')).toContain('CREATE TABLE `c1`.`default`.`u` (');
    expect(failure(s, 'SELECT * FROM base;').message).toBe("table or view 'base' not found");
    expect(failure(s, 'DROP CATALOG c1;').message).toBe('Cannot drop a catalog which is currently in use.');
    expect(failure(s, 'USE CATALOG nope;')).toMatchObject({ message: 'A catalog with name [nope] does not exist.', at: '1:13' });
    expect(failure(s, "CREATE CATALOG h WITH ('type' = 'hive');")).toMatchObject({ kind: 'not-supported', at: '1:24' });
    expect(failure(s, "CREATE CATALOG c1 WITH ('type' = 'generic_in_memory');").message).toBe('Catalog c1 already exists.');
    run(s, 'USE CATALOG default_catalog; DROP CATALOG c1; DROP CATALOG IF EXISTS c1;');
    expect(rows(run(s, 'SHOW CATALOGS;')[0])).toEqual([['default_catalog']]);
    expect(failure(s, 'DROP CATALOG c1;').message).toBe('Catalog c1 does not exist.');
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
    ["ALTER CATALOG c SET ('k' = 'v')", 'ALTER CATALOG is not supported yet', '1:1'],
    ['USE MODULES core', 'USE MODULES is not supported yet', '1:1'],
    ['SHOW MODULES', 'SHOW MODULES is not supported yet', '1:1'],
    ['ANALYZE TABLE t COMPUTE STATISTICS', 'ANALYZE TABLE is not supported yet', '1:1'],
    ["ALTER TABLE t DROP PARTITION (dt = '1')", 'a PARTITION clause is not supported yet', '1:20'],
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
