// Which joins are interval joins (Flink's IntervalJoinUtil rules), the bounds EXPLAIN shows for
// them, and the time attributes their output keeps.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';

const DDL = `CREATE TABLE a (k BIGINT, v STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '/tmp/a.csv', 'format' = 'csv');
CREATE TABLE b (k BIGINT, w STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '/tmp/b.csv', 'format' = 'csv');
CREATE TABLE c (k BIGINT, w STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '/tmp/c.csv', 'format' = 'debezium-json');`;

function explain(query: string): string {
  const s = new Session();
  const res = s.executeScript({ name: 't.sql', text: `${DDL}\nEXPLAIN ${query};` }).map((r) => r.result);
  const ex = res[res.length - 1];
  if (ex?.kind !== 'explain') throw new Error(`no explain result: ${JSON.stringify(ex)}`);
  return ex.text;
}

/** The physical plan's join line. */
function joinLine(query: string): string {
  const text = explain(query);
  const line = text.split('\n').find((l) => /^\[\d+\] (Interval)?Join\(/.test(l));
  if (line === undefined) throw new Error(`no join in\n${text}`);
  return line;
}

describe('interval join detection', () => {
  it('BETWEEN with intervals subtracted and added', () => {
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL '5' MINUTE AND b.ts + INTERVAL '1' MINUTE`)).toContain(
      'IntervalJoin(type=INNER, keys=[k = k]',
    );
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL '5' MINUTE AND b.ts + INTERVAL '1' MINUTE`)).toContain('bounds=ts - ts in [-300000ms, 60000ms]');
  });

  it('strict bounds move by 1 ms; the right time may be written first; WHERE of a comma join counts', () => {
    expect(joinLine(`SELECT * FROM a LEFT JOIN b ON a.k = b.k AND b.ts < a.ts + INTERVAL '2' SECOND AND a.ts - INTERVAL '3' SECOND <= b.ts`)).toContain('bounds=ts - ts in [-1999ms, 3000ms]');
    expect(joinLine(`SELECT * FROM a, b WHERE a.k = b.k AND a.ts > b.ts AND a.ts <= b.ts + INTERVAL '10' SECOND`)).toContain('bounds=ts - ts in [1ms, 10000ms]');
    expect(joinLine(`SELECT * FROM a FULL JOIN b ON a.k = b.k AND b.ts >= a.ts AND b.ts < a.ts + INTERVAL '1' HOUR`)).toContain('bounds=ts - ts in [-3599999ms, 0ms]');
    // the left input's time on the right of a BETWEEN: bounds are still on left - right
    expect(joinLine(`SELECT * FROM a RIGHT JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '30' SECOND AND a.ts`)).toContain('bounds=ts - ts in [0ms, 30000ms]');
  });

  it('an equality of the two times is an interval of width 0', () => {
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts = b.ts`)).toContain('bounds=ts - ts in [0ms, 0ms]');
  });

  it('the output keeps both time attributes; a regular join drops them', () => {
    const text = explain(`SELECT a.ts AS ats, b.ts AS bts FROM a JOIN b ON a.k = b.k AND a.ts BETWEEN b.ts AND b.ts + INTERVAL '1' SECOND`);
    expect(text).toMatch(/Calc.*\n\s+schema: ats TIMESTAMP\(3\) \*ROWTIME\*, bts TIMESTAMP\(3\) \*ROWTIME\*/);
    const regular = explain(`SELECT a.ts AS ats, b.ts AS bts FROM a JOIN b ON a.k = b.k AND a.ts >= b.ts`);
    expect(regular).toMatch(/Calc.*\n\s+schema: ats TIMESTAMP\(3\), bts TIMESTAMP\(3\)\n/);
  });

  it('stays a regular join when the bounds are not there from both sides', () => {
    // one direction only
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts >= b.ts`)).toMatch(/^\[\d+\] Join\(/);
    // two lower bounds
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts >= b.ts AND a.ts > b.ts - INTERVAL '1' SECOND`)).toMatch(/^\[\d+\] Join\(/);
    // three time predicates (Flink: not an interval join)
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts >= b.ts AND a.ts <= b.ts + INTERVAL '1' SECOND AND a.ts < b.ts + INTERVAL '2' SECOND`)).toMatch(/^\[\d+\] Join\(/);
    // a non-time column in a comparison is a plain predicate, not a bound
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts >= b.ts AND CAST(a.k AS STRING) <= b.w`)).toMatch(/^\[\d+\] Join\(/);
  });

  it('a comparison reading both times in one operand is a plain predicate, as in Flink', () => {
    expect(
      joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.ts - INTERVAL '1' SECOND <= b.ts AND a.ts >= b.ts AND CASE WHEN a.ts > b.ts THEN a.ts ELSE b.ts END < b.ts + INTERVAL '5' SECOND`),
    ).toContain('bounds=ts - ts in [0ms, 1000ms]');
  });

  it('needs an equi-key and two append-only inputs', () => {
    expect(joinLine(`SELECT * FROM a JOIN b ON a.ts BETWEEN b.ts AND b.ts + INTERVAL '1' SECOND`)).toMatch(/^\[\d+\] Join\(/);
    expect(joinLine(`SELECT * FROM a JOIN c ON a.k = c.k AND a.ts BETWEEN c.ts AND c.ts + INTERVAL '1' SECOND`)).toMatch(/^\[\d+\] Join\(/);
  });

  it('bounds apart, residual conditions stay in the condition', () => {
    expect(joinLine(`SELECT * FROM a JOIN b ON a.k = b.k AND a.v <> b.w AND a.ts BETWEEN b.ts AND b.ts + INTERVAL '1' SECOND`)).toMatch(
      /IntervalJoin\(type=INNER, keys=\[k = k\], where=\(\(\(v <> w\) AND \(ts >= ts\)\) AND .*bounds=ts - ts in \[0ms, 1000ms\]/,
    );
  });
});

describe('window joins over TIMESTAMP_LTZ windows', () => {
  it('are planned as window joins, with the session zone', () => {
    const s = new Session();
    const text = `SET 'table.local-time-zone' = 'America/New_York';
CREATE TABLE l (k BIGINT, ts TIMESTAMP_LTZ(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '/tmp/l.csv', 'format' = 'csv');
CREATE TABLE r (k BIGINT, ts TIMESTAMP_LTZ(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '/tmp/r.csv', 'format' = 'csv');
EXPLAIN SELECT * FROM (SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end) A
JOIN (SELECT window_start, window_end, COUNT(*) AS m FROM TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end) B
ON A.window_start = B.window_start AND A.window_end = B.window_end;`;
    const res = s.executeScript({ name: 't.sql', text }).map((r) => r.result);
    const ex = res[res.length - 1];
    if (ex?.kind !== 'explain') throw new Error('no explain');
    expect(ex.text).toMatch(/WindowJoin\(/);
  });
});
