// DDL and session statements: CREATE TABLE/VIEW, DESCRIBE, SHOW, SET/RESET, DROP, EXPLAIN.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import type { StatementResult } from '../../src/sql/session.js';
import { WeirError } from '../../src/common/errors.js';

function run(session: Session, sql: string): StatementResult[] {
  return session.executeScript({ name: 't.sql', text: sql }).map((r) => r.result);
}

const BID = `CREATE TABLE bid (
  auction BIGINT NOT NULL, price DECIMAL(10, 2), channel VARCHAR(10), ts_text STRING,
  ts AS TO_TIMESTAMP(ts_text),
  day AS DATE_FORMAT(ts, 'yyyy-MM-dd'),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (auction) NOT ENFORCED
) WITH ('connector' = 'filesystem', 'path' = '/data/bids.csv', 'format' = 'csv');`;

describe('session statements', () => {
  it('CREATE TABLE types computed columns and DESCRIBE shows them with the watermark', () => {
    const s = new Session();
    const [created, described] = run(s, `${BID}\nDESCRIBE bid;`);
    expect(created).toEqual({ kind: 'ok', message: 'table bid created' });
    expect(described?.kind).toBe('table');
    if (described?.kind !== 'table') return;
    expect(described.rows).toEqual([
      ['auction', 'BIGINT', 'FALSE', 'PRI', '', ''],
      ['price', 'DECIMAL(10, 2)', 'TRUE', '', '', ''],
      ['channel', 'STRING', 'TRUE', '', '', ''],
      ['ts_text', 'STRING', 'TRUE', '', '', ''],
      ['ts', 'TIMESTAMP(3) *ROWTIME*', 'TRUE', '', 'AS TO_TIMESTAMP(ts_text)', "ts - INTERVAL '5' SECOND"],
      ['day', 'STRING', 'TRUE', '', "AS DATE_FORMAT(ts, 'yyyy-MM-dd')", ''],
    ]);
  });

  it('CREATE VIEW, SHOW TABLES, SHOW VIEWS, DROP', () => {
    const s = new Session();
    const res = run(
      s,
      `${BID}
CREATE VIEW cheap (a, p) AS SELECT auction, price FROM bid WHERE price < 10;
SHOW TABLES; SHOW VIEWS; DESCRIBE cheap;
DROP VIEW cheap; DROP TABLE IF EXISTS nothing; SHOW TABLES;`,
    );
    expect(res[1]).toEqual({ kind: 'ok', message: 'view cheap created' });
    expect(res[2]).toMatchObject({ kind: 'table', rows: [['bid'], ['cheap']] });
    expect(res[3]).toMatchObject({ kind: 'table', rows: [['cheap']] });
    expect(res[4]).toMatchObject({ kind: 'table', rows: [['a', 'BIGINT', 'TRUE', '', '', ''], ['p', 'DECIMAL(10, 2)', 'TRUE', '', '', '']] });
    expect(res[5]).toEqual({ kind: 'ok', message: 'view cheap dropped' });
    expect(res[6]).toEqual({ kind: 'ok', message: 'table nothing does not exist (nothing dropped)' });
    expect(res[7]).toMatchObject({ kind: 'table', rows: [['bid']] });
  });

  it('a view is bound where it is used and can feed a window aggregation', () => {
    const s = new Session();
    const res = run(
      s,
      `${BID}
CREATE VIEW w AS SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '1' MINUTE));
EXPLAIN SELECT window_start, COUNT(*) FROM w GROUP BY window_start, window_end;`,
    );
    const ex = res[2];
    expect(ex?.kind).toBe('explain');
    if (ex?.kind === 'explain') expect(ex.text).toContain('WindowAggregate(TUMBLE(size=60s), time=ts');
  });

  it('SET, SET key, SET listing, RESET', () => {
    const s = new Session();
    const res = run(s, `SET 'parallelism.default' = '2'; SET; RESET 'parallelism.default'; SET;`);
    const value = (r: StatementResult | undefined): string | undefined => (r?.kind === 'table' ? r.rows.find((x) => x[0] === 'parallelism.default')?.[1] : undefined);
    expect(res[0]).toEqual({ kind: 'ok', message: 'parallelism.default = 2' });
    expect(value(res[1])).toBe('2');
    expect(res[2]).toEqual({ kind: 'ok', message: 'parallelism.default reset' });
    expect(value(res[3])).toBe('1');
  });

  it('rejects bad option values and duplicate tables with positions', () => {
    const s = new Session();
    expect(() => run(s, `SET 'parallelism.default' = 'two';`)).toThrow(/must be a positive whole number/);
    run(s, BID);
    try {
      run(s, `\n${BID}`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WeirError);
      expect((e as WeirError).message).toBe("table or view 'bid' already exists");
      expect((e as WeirError).span?.start).toBe(14);
    }
    expect(run(s, BID.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'))[0]).toEqual({ kind: 'ok', message: 'table bid already exists (kept)' });
  });

  it('an error about a connector option points at that option in WITH (...)', () => {
    // each case: the CREATE TABLE, the message, and the option text the error must cover
    const cases: [string, RegExp, string][] = [
      [`CREATE TABLE t (a BIGINT) WITH ('connector' = 'nexmerk', 'x' = 'y');`, /unknown connector 'nexmerk'/, `'connector' = 'nexmerk'`],
      [`CREATE TABLE t (a BIGINT) WITH ('connector' = 'filesystem', 'path' = 'p', 'format' = 'cvs');`, /unknown format 'cvs'/, `'format' = 'cvs'`],
      [`CREATE TABLE t (a BIGINT) WITH ('connector' = 'filesystem', 'path' = 'p', 'format' = 'csv', 'csv.field-delimiter' = ';;');`, /must be one ASCII character/, `'csv.field-delimiter' = ';;'`],
      [`CREATE TABLE t (a BIGINT) WITH ('connector' = 'blackhole', 'pth' = 'p');`, /unsupported option 'pth'/, `'pth' = 'p'`],
      [`CREATE TABLE t (a BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '-3');`, /'rows-per-second' must be a positive number/, `'rows-per-second' = '-3'`],
      [`CREATE TABLE t (a BIGINT) WITH ('connector' = 'datagen',\n  'fields.a.min' = '0', 'fields.a.max' = 'ten');`, /'fields.a.max' must be a number/, `'fields.a.max' = 'ten'`],
      [`CREATE TABLE bid (price BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '1e6');`, /table bid: invalid value for nexmark option 'events.num': '1e6'/, `'events.num' = '1e6'`],
      [`CREATE TABLE bid (price BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bids');`, /'nexmark.table' must be person, auction or bid/, `'nexmark.table' = 'bids'`],
      [`CREATE TABLE bid (price BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'bid.proportion' = '2000000');`, /'bid.proportion': '2000000' \(expected an integer from 0 to 1000000\)/, `'bid.proportion' = '2000000'`],
      [`CREATE TABLE bid (price BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'person.proportion' = '0', 'auction.proportion' = '0', 'bid.proportion' = '0');`, /invalid nexmark proportions/, `'bid.proportion' = '0'`],
    ];
    for (const [sql, message, at] of cases) {
      try {
        run(new Session(), sql);
        expect.unreachable(sql);
      } catch (e) {
        expect(e, sql).toBeInstanceOf(WeirError);
        const err = e as WeirError;
        expect(err.message, sql).toMatch(message);
        expect(sql.slice(err.span!.start, err.span!.end), sql).toBe(at);
      }
    }
  });

  it('a WATERMARK on a non-timestamp column is an error', () => {
    const s = new Session();
    expect(() => run(s, `CREATE TABLE t (a BIGINT, WATERMARK FOR a AS a) WITH ('connector' = 'blackhole');`)).toThrow(/WATERMARK expression must be a TIMESTAMP|must be TIMESTAMP/);
  });

  it('SHOW FUNCTIONS lists scalar and aggregate functions', () => {
    const [r] = run(new Session(), 'SHOW FUNCTIONS;');
    expect(r?.kind).toBe('table');
    if (r?.kind !== 'table') return;
    const names = r.rows.map((x) => x[0]);
    for (const f of ['UPPER', 'DATE_FORMAT', 'SPLIT_INDEX', 'REGEXP_EXTRACT', 'COUNT', 'AVG']) expect(names).toContain(f);
  });
});
