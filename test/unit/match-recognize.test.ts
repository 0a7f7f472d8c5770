// MATCH_RECOGNIZE (src/sql/bind-match.ts, src/exec/operators/match-recognize.ts): expected
// matches worked out by hand from Flink's semantics (its documentation's examples and the NFA's
// rules), refusals with their positions, and a brute-force matcher for random inputs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScript } from '../../src/verify/collect.js';
import { WeirError } from '../../src/common/errors.js';
import { verifyScript } from '../../src/verify/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-mr-'));
let fileNo = 0;

/** A CSV table `name` (symbol STRING, ts TIMESTAMP(3), price INT, tax INT) with a watermark `delay` seconds behind. */
function ticker(rows: readonly string[], delay = 0, name = 'Ticker'): string {
  const path = join(dir, `t${fileNo++}.csv`);
  writeFileSync(path, rows.map((r) => `${r}\n`).join(''));
  return `CREATE TABLE ${name} (symbol STRING, ts TIMESTAMP(3), price INT, tax INT, WATERMARK FOR ts AS ts - INTERVAL '${delay}' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');\n`;
}

async function query(ddl: string, sql: string, parallelism = 1, batchSize?: number): Promise<unknown[][]> {
  const r = await collectScript({ name: 'q.sql', text: ddl + sql }, { parallelism, ...(batchSize !== undefined ? { batchSize } : {}) });
  return r.queries[0]!.rows.map((x) => [...x]);
}

/** Rows `ACME,2011-04-01 10:00:0s,price,tax` one second apart. */
function seconds(prices: readonly number[], symbol = 'ACME', from = 0): string[] {
  return prices.map((p, i) => `${symbol},2011-04-01 10:${String(Math.floor((from + i) / 60)).padStart(2, '0')}:${String((from + i) % 60).padStart(2, '0')},${p},1`);
}

describe('MATCH_RECOGNIZE: Flink documentation examples', () => {
  it('the V-shape: START_ROW PRICE_DOWN+ PRICE_UP, AFTER MATCH SKIP TO LAST PRICE_UP', async () => {
    // Flink's "Pattern Recognition" page, "Detecting a V-shape pattern": one match, 10:00:04 .. 10:00:08
    const ddl = ticker(seconds([12, 17, 19, 21, 25, 18, 15, 14, 24, 25, 19]));
    const rows = await query(
      ddl,
      `SELECT symbol, CAST(start_tstamp AS STRING), CAST(bottom_tstamp AS STRING), CAST(end_tstamp AS STRING) FROM Ticker
       MATCH_RECOGNIZE (
         PARTITION BY symbol
         ORDER BY ts
         MEASURES
           START_ROW.ts AS start_tstamp,
           LAST(PRICE_DOWN.ts) AS bottom_tstamp,
           LAST(PRICE_UP.ts) AS end_tstamp
         ONE ROW PER MATCH
         AFTER MATCH SKIP TO LAST PRICE_UP
         PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
         DEFINE
           PRICE_DOWN AS
             (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
               PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
           PRICE_UP AS
             PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
       ) MR;`,
    );
    expect(rows).toEqual([['ACME', '2011-04-01 10:00:04.000', '2011-04-01 10:00:07.000', '2011-04-01 10:00:08.000']]);
  });
});

/** Flink's greedy/reluctant example data: prices 10..16 at 10:00:02..07. */
const GREEDY_ROWS = ['XYZ,2018-09-17 10:00:02,10,1', 'XYZ,2018-09-17 10:00:03,11,2', 'XYZ,2018-09-17 10:00:04,12,1', 'XYZ,2018-09-17 10:00:05,13,2', 'XYZ,2018-09-17 10:00:06,14,1', 'XYZ,2018-09-17 10:00:07,16,2'];

function greedy(quantifier: string): string {
  return `SELECT * FROM Ticker MATCH_RECOGNIZE (
    PARTITION BY symbol ORDER BY ts
    MEASURES C.price AS lastPrice
    ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
    PATTERN (A B${quantifier} C)
    DEFINE A AS A.price > 10, B AS B.price < 15, C AS C.price > 12);`;
}

describe('MATCH_RECOGNIZE: quantifiers', () => {
  it('greedy B* takes every row B accepts before C (Flink docs: one match, lastPrice 16)', async () => {
    expect(await query(ticker(GREEDY_ROWS), greedy('*'))).toEqual([['XYZ', 16]]);
  });

  it('reluctant B*? stops at the first row C accepts (Flink docs: lastPrice 13, then 16)', async () => {
    expect(await query(ticker(GREEDY_ROWS), greedy('*?'))).toEqual([
      ['XYZ', 13],
      ['XYZ', 16],
    ]);
  });

  it('aggregates in DEFINE and MEASURES: A+ C with AVG(A.price) < 15 (Flink docs, "Aggregations")', async () => {
    const ddl = ticker(seconds([12, 17, 13, 16, 25, 2, 4, 10, 15, 25, 25, 30]));
    const rows = await query(
      ddl,
      `SELECT symbol, CAST(s AS STRING), CAST(e AS STRING), avgPrice, n FROM Ticker MATCH_RECOGNIZE (
        PARTITION BY symbol ORDER BY ts
        MEASURES FIRST(A.ts) AS s, LAST(A.ts) AS e, AVG(CAST(A.price AS DOUBLE)) AS avgPrice, COUNT(A.price) AS n
        ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A+ C)
        DEFINE A AS AVG(CAST(A.price AS DOUBLE)) < 15);`,
    );
    expect(rows).toEqual([
      ['ACME', '2011-04-01 10:00:00.000', '2011-04-01 10:00:03.000', 14.5, 4],
      ['ACME', '2011-04-01 10:00:05.000', '2011-04-01 10:00:10.000', 13.5, 6],
    ]);
  });

  it('{n}: overlapping matches with SKIP TO NEXT ROW (the default), one with SKIP PAST LAST ROW', async () => {
    const ddl = ticker(seconds([1, 2, 3, 4, 5]));
    const q = (after: string): string => `SELECT a, b FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
      MEASURES FIRST(A.price) AS a, LAST(B.price) AS b ${after} PATTERN (A B{2}) DEFINE A AS A.price > 0);`;
    expect(await query(ddl, q(''))).toEqual([
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(await query(ddl, q('AFTER MATCH SKIP TO NEXT ROW'))).toEqual([
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(await query(ddl, q('AFTER MATCH SKIP PAST LAST ROW'))).toEqual([[1, 3]]);
  });

  it('? in the middle: with and without the optional row; COUNT of an absent variable is 0', async () => {
    const ddl = ticker(seconds([1, 3, 1, 2, 3]));
    const rows = await query(
      ddl,
      `SELECT a, nb, c FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
        MEASURES A.price AS a, COUNT(B.price) AS nb, C.price AS c
        PATTERN (A B? C) DEFINE A AS A.price = 1, B AS B.price = 2, C AS C.price >= 3);`,
    );
    expect(rows).toEqual([
      [1, 0, 3],
      [1, 1, 3],
    ]);
  });

  it('? at the end: the match is complete without it and goes out at once (Flink\'s NFA), so B is never taken', async () => {
    const ddl = ticker(seconds([1, 2, 1, 5]));
    const rows = await query(
      ddl,
      `SELECT a, nb FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
        MEASURES A.price AS a, COUNT(B.price) AS nb PATTERN (A B?) DEFINE A AS A.price = 1, B AS B.price = 2);`,
    );
    expect(rows).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('{n,m} greedy in the middle and {n,}? reluctant at the end', async () => {
    // A = 1; B{1,3} greedy takes 2s while they come (at most 3); C{2,}? ends at its second row
    const ddl = ticker(seconds([1, 2, 2, 2, 2, 7, 7, 7, 1, 2, 7, 7]));
    const rows = await query(
      ddl,
      `SELECT nb, nc, CAST(e AS STRING) FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
        MEASURES COUNT(B.price) AS nb, COUNT(C.price) AS nc, MATCH_ROWTIME() AS e
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A B{1,3} C{2,}?) DEFINE A AS A.price = 1, B AS B.price = 2, C AS C.price >= 2);`,
    );
    // start 1: B takes 2,2,2 (max 3), then C needs >= 2: the 4th 2 and 7 -> rows 1..6, ends 10:00:05
    // start 9: B takes 2, C 7, 7 -> ends 10:00:11
    expect(rows).toEqual([
      [3, 2, '2011-04-01 10:00:05.000'],
      [1, 2, '2011-04-01 10:00:11.000'],
    ]);
  });
});

describe('MATCH_RECOGNIZE: AFTER MATCH SKIP', () => {
  const q = (after: string): string => `SELECT a, d FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
    MEASURES A.price AS a, D.price AS d AFTER MATCH ${after} PATTERN (A B{2} D) DEFINE A AS A.price > 0);`;
  const ddl = (): string => ticker(seconds([1, 2, 3, 4, 5, 6]));
  it('SKIP TO NEXT ROW: every start', async () => {
    expect(await query(ddl(), q('SKIP TO NEXT ROW'))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
  it('SKIP PAST LAST ROW: after the last row', async () => {
    expect(await query(ddl(), q('SKIP PAST LAST ROW'))).toEqual([[1, 4]]);
  });
  it('SKIP TO FIRST B: at the first B row (the second row)', async () => {
    expect(await query(ddl(), q('SKIP TO FIRST B'))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
  it('SKIP TO LAST B: at the last B row (the third row), so the match starting at the second row is dropped', async () => {
    expect(await query(ddl(), q('SKIP TO LAST B'))).toEqual([
      [1, 4],
      [3, 6],
    ]);
  });
  it('SKIP TO FIRST of a variable a match lacks fails the job, as in Flink', async () => {
    const sql = `SELECT a FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts MEASURES A.price AS a
      AFTER MATCH SKIP TO FIRST B PATTERN (A B? C) DEFINE A AS A.price = 1, B AS B.price = 2);`;
    await expect(query(ticker(seconds([1, 5, 7])), sql)).rejects.toThrow(/a match has no row of B/);
  });
});

describe('MATCH_RECOGNIZE: time', () => {
  const V = `SELECT symbol, CAST(s AS STRING), CAST(e AS STRING) FROM Ticker MATCH_RECOGNIZE (
    PARTITION BY symbol ORDER BY ts MEASURES START_ROW.ts AS s, LAST(PRICE_UP.ts) AS e
    AFTER MATCH SKIP TO LAST PRICE_UP PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
    DEFINE PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
      PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1));`;
  const acme = seconds([12, 17, 19, 21, 25, 18, 15, 14, 24, 25, 19]);
  const want = [['ACME', '2011-04-01 10:00:04.000', '2011-04-01 10:00:08.000']];

  it('out-of-order rows within the watermark delay are matched in time order', async () => {
    const shuffled = [acme[3]!, acme[0]!, acme[8]!, acme[1]!, acme[6]!, acme[2]!, acme[5]!, acme[4]!, acme[10]!, acme[7]!, acme[9]!];
    expect(await query(ticker(shuffled, 10), V, 1, 1)).toEqual(want);
    // two partitions over two subtasks
    const beta = seconds([12, 17, 19, 21, 25, 18, 15, 14, 24, 25, 19], 'BETA', 20);
    const both = await query(ticker([...beta, ...shuffled], 40), V, 2, 2);
    expect(both.sort()).toEqual([...want, ['BETA', '2011-04-01 10:00:24.000', '2011-04-01 10:00:28.000']].sort());
  });

  it('a row at or before the watermark is late: dropped', async () => {
    // ZZZ at 10:00:40 moves the watermark to 10:00:30; the ACME row at 10:00:05 after it would break the V
    const rows = [...acme.slice(0, 10), 'ZZZ,2011-04-01 10:00:40,1,1', 'ACME,2011-04-01 10:00:05,1,1', acme[10]!];
    const r = await collectScript({ name: 'q.sql', text: ticker(rows, 10) + V }, { parallelism: 1, batchSize: 1 });
    expect(r.queries[0]!.rows).toEqual(want);
    expect(r.summary?.lateDropped ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('WITHIN drops a partial match once a row comes at or after its start plus the interval', async () => {
    const ddl = ticker(seconds([1, 2, 3, 4]));
    const q = (w: string): string => `SELECT a, d FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
      MEASURES A.price AS a, D.price AS d PATTERN (A B C D) WITHIN INTERVAL '${w}' SECOND DEFINE A AS A.price > 0);`;
    // the match spans 10:00:00 .. 10:00:03: 3 s after its start
    expect(await query(ddl, q('3'))).toEqual([]);
    expect(await query(ddl, q('4'))).toEqual([[1, 4]]);
  });

  it('MATCH_ROWTIME() is a time attribute: a window can follow', async () => {
    const ddl = ticker(seconds([1, 2, 3, 4, 5, 6]));
    const rows = await query(
      ddl,
      `CREATE TEMPORARY VIEW m AS SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
        MEASURES MATCH_ROWTIME() AS mt PATTERN (A B) DEFINE A AS A.price > 0);
       SELECT COUNT(*) AS n, CAST(window_start AS STRING) FROM TABLE(TUMBLE(TABLE m, DESCRIPTOR(mt), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;`,
    );
    expect(rows).toEqual([[5, '2011-04-01 10:00:00.000']]);
  });
});

describe('MATCH_RECOGNIZE: inputs and measures', () => {
  it('over a subquery (Calcite\'s table expression before MATCH_RECOGNIZE) reading a view whose time attribute is renamed', async () => {
    // prices 3 5 4 6 2 at 10:00:00..04; the subquery drops the 4 and scales by 10: 30 50 60 20.
    // A B with B.p > A.p, SKIP TO NEXT ROW: (30, 50), (50, 60); without the filter it would be (30, 50), (40, 60)
    const ddl = ticker(seconds([3, 5, 4, 6, 2])) + 'CREATE TEMPORARY VIEW tv AS SELECT symbol AS s, ts AS t2, price FROM Ticker;\n';
    const rows = await query(
      ddl,
      `SELECT s, a, b, CAST(t AS STRING) FROM (SELECT s, t2, price * 10 AS p FROM tv WHERE price <> 4)
       MATCH_RECOGNIZE (PARTITION BY s ORDER BY t2 MEASURES A.p AS a, B.p AS b, MATCH_ROWTIME() AS t PATTERN (A B) DEFINE B AS B.p > A.p) AS m;`,
    );
    expect(rows).toEqual([
      ['ACME', 30, 50, '2011-04-01 10:00:01.000'],
      ['ACME', 50, 60, '2011-04-01 10:00:03.000'],
    ]);
  });

  it('logical offsets FIRST/LAST(v.col, n), aggregates over the whole match, FINAL in MEASURES', async () => {
    // 1 2 3 12 7: A{3} B matches 1 2 3 12 (SKIP PAST LAST ROW)
    const ddl = ticker(seconds([1, 2, 3, 12, 7]));
    const rows = await query(
      ddl,
      `SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
         MEASURES FIRST(A.price, 1) AS f1, LAST(A.price, 1) AS l1, LAST(A.price, 2) AS l2, FIRST(A.price, 3) AS f3,
           SUM(price) AS total, COUNT(*) AS n, AVG(A.price) AS avg_a, FINAL(LAST(price)) AS last_p, FINAL(MAX(A.price)) AS max_a
         AFTER MATCH SKIP PAST LAST ROW PATTERN (A{3} B) DEFINE A AS A.price < 10, B AS B.price >= 10);`,
    );
    expect(rows).toEqual([['ACME', 2, 2, 1, null, 18, 4, 2, 12, 3]]);
  });

  it('refuses an updating input as Flink does', async () => {
    const f = await failure(
      ticker(seconds([1])),
      'SELECT * FROM (SELECT symbol, MAX(ts) AS ts, SUM(price) AS price FROM Ticker GROUP BY symbol) MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts MEASURES A.price AS a PATTERN (A B) DEFINE A AS A.price > 0);',
    );
    expect(f.message).toMatch(/MATCH_RECOGNIZE doesn't support consuming update changes/);
    expect(f.at).toMatch(/^MATCH_RECOGNIZE \(PARTITION BY symbol/);
  });
});

/** The error of `sql`, with the text its span covers. */
async function failure(ddl: string, sql: string): Promise<{ message: string; at: string }> {
  try {
    await query(ddl, sql);
  } catch (e) {
    if (!(e instanceof WeirError)) throw e;
    const text = ddl + sql;
    return { message: e.message, at: e.span === undefined ? '' : text.slice(e.span.start, e.span.end) };
  }
  throw new Error('expected an error');
}

describe('MATCH_RECOGNIZE: refusals with positions', () => {
  const ddl = ticker(seconds([1]));
  const mr = (body: string, measures = 'A.price AS a'): string => `SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts MEASURES ${measures} ${body});`;
  it.each([
    ['PATTERN (A | B) DEFINE A AS A.price > 0', /alternation/, 'A | B'],
    ['PATTERN ((A B)+ C) DEFINE A AS A.price > 0', /group patterns/, '(A B)'],
    ['PATTERN (A B+) DEFINE A AS A.price > 0', /greedy quantifier may not end the pattern/, 'B+'],
    ['PATTERN (A B{2,4}) DEFINE A AS A.price > 0', /greedy quantifier may not end the pattern/, 'B{2,4}'],
    ['PATTERN (A*) DEFINE A AS A.price > 0', /can match no rows/, 'A*'],
    ['PATTERN (A B?? C) DEFINE A AS A.price > 0', /reluctant optional/, 'B??'],
    ['PATTERN (A B A) DEFINE A AS A.price > 0', /must be unique/, 'A'],
    ['ALL ROWS PER MATCH PATTERN (A B) DEFINE A AS A.price > 0', /ALL ROWS PER MATCH is not supported/, 'ALL ROWS PER MATCH'],
    ['PATTERN (A B) DEFINE B AS PREV(B.price) > 1', /physical offsets/, 'PREV(B.price)'],
    ['PATTERN (A B) DEFINE B AS B.price > SUM(A.price + B.price)', /one pattern variable only/, 'A.price + B.price'],
    ['PATTERN (A B) DEFINE C AS C.price > 1', /DEFINE names C, which the PATTERN does not use/, 'C'],
    ['AFTER MATCH SKIP TO FIRST A PATTERN (A B) DEFINE A AS A.price > 0', /same match again/, 'AFTER MATCH SKIP TO FIRST A'],
    ['AFTER MATCH SKIP TO LAST X PATTERN (A B) DEFINE A AS A.price > 0', /not a variable of the PATTERN/, 'X'],
  ])('%s', async (body, message, at) => {
    const f = await failure(ddl, mr(body));
    expect(f.message).toMatch(message);
    expect(f.at).toBe(at);
  });

  it('CLASSIFIER() and ORDER BY a column that is not a time attribute', async () => {
    const c = await failure(ddl, mr('PATTERN (A B) DEFINE A AS A.price > 0', 'CLASSIFIER() AS c'));
    expect(c.message).toMatch(/CLASSIFIER\(\) in MATCH_RECOGNIZE is not supported/);
    expect(c.at).toBe('CLASSIFIER()');
    const o = await failure(ddl, 'SELECT * FROM Ticker MATCH_RECOGNIZE (ORDER BY price MEASURES A.price AS a PATTERN (A B) DEFINE A AS A.price > 0);');
    expect(o.message).toMatch(/not a time attribute/);
    expect(o.at).toBe('price');
  });

  it('weir verify says it cannot translate MATCH_RECOGNIZE to DuckDB', async () => {
    const text = ticker(seconds([1, 2])) + 'SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts MEASURES A.price AS a PATTERN (A B) DEFINE A AS A.price > 0);';
    await expect(verifyScript({ name: 'v.sql', text })).rejects.toThrow(/MATCH_RECOGNIZE \(row pattern recognition\) has no DuckDB equivalent/);
  });
});

describe('MATCH_RECOGNIZE: snapshot and restore in process', () => {
  // the operator alone, on random rows of 3 partitions: a run that snapshots (through msgpack,
  // as a checkpoint file) and restores into a new operator at every few batches, also at 2
  // subtasks by key group, must emit exactly the matches of an uninterrupted run
  it('restoring at every checkpoint, at 1 and 2 subtasks, gives the uninterrupted run\'s matches', async () => {
    const { Session } = await import('../../src/sql/session.js');
    const { inputsOf } = await import('../../src/plan/logical.js');
    const { MatchRecognizeOperator } = await import('../../src/exec/operators/match-recognize.js');
    const { Collector, newMetrics } = await import('../../src/exec/operator.js');
    const { keyGroupRange } = await import('../../src/state/key-groups.js');
    const { batchFromRows, batchToRows } = await import('../../src/common/batch.js');
    const { pack, unpack } = await import('msgpackr');
    const s = new Session();
    const results = [
      ...s.executeScript({
        name: 'q.sql',
        text: `${ticker([])}SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY ts
          MEASURES FIRST(A.price) AS a, COUNT(B.price) AS nb, SUM(B.price) AS sb, C.price AS c, MATCH_ROWTIME() AS t
          AFTER MATCH SKIP TO NEXT ROW PATTERN (A B{2,}? C) WITHIN INTERVAL '20' SECOND
          DEFINE A AS A.price < 50, B AS B.price >= LAST(A.price), C AS C.price < AVG(B.price));`,
      }),
    ];
    const last = results[results.length - 1]!.result;
    if (last.kind !== 'query') throw new Error('no query');
    let node = last.plan;
    while (node.kind !== 'match-recognize') node = inputsOf(node)[0]!;
    const m = node;
    const types = m.input.schema.map((f) => f.type);
    const outTypes = m.schema.map((f) => f.type);
    const make = (subtask: number, parallelism: number) => {
      const op = new MatchRecognizeOperator(types, m.partitionKeys, m.timeIndex, m.orderKeys, m.spec, outTypes, 64);
      op.open({ operatorId: 'm', subtask, parallelism, maxParallelism: 128, keyGroups: keyGroupRange(subtask, parallelism, 128), metrics: newMetrics() });
      return op;
    };
    // 600 rows, times ascending by 0..2 s (ties), prices 0..99; a watermark after every batch of 7
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows: (string | number)[][] = [];
    let t = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 600; i++) {
      t += Math.floor(rand() * 3) * 1000;
      rows.push([['x', 'y', 'z'][Math.floor(rand() * 3)]!, t, Math.floor(rand() * 100), 1]);
    }
    const batches: { batch: ReturnType<typeof batchFromRows>; wm: number }[] = [];
    for (let i = 0; i < rows.length; i += 7) {
      const part = rows.slice(i, i + 7);
      batches.push({ batch: batchFromRows(types, part), wm: (part[part.length - 1]![1] as number) - 1 });
    }
    const drain = (out: InstanceType<typeof Collector>, into: string[]): void => {
      for (const b of out.drain()) for (const r of batchToRows(b)) into.push(JSON.stringify(r));
    };
    const route = (parallelism: number): ((b: (typeof batches)[number]['batch']) => (typeof batches)[number]['batch'][]) => {
      // by key group of the partition key, as the exchange does
      const probe = make(0, 1) as unknown as { partitionOf(k: unknown[]): { keyGroup: number } };
      return (b) => {
        const rs = batchToRows(b);
        return Array.from({ length: parallelism }, (_, p) =>
          batchFromRows(
            types,
            rs.filter((r) => Math.floor((probe.partitionOf([r[0]!]).keyGroup * parallelism) / 128) === p),
          ),
        );
      };
    };
    const run = (every: number, parallelisms: readonly number[]): string[] => {
      const got: string[] = [];
      let p = parallelisms[0]!;
      let ops = Array.from({ length: p }, (_, i) => make(i, p));
      let k = 0;
      for (const { batch, wm } of batches) {
        const parts = route(p)(batch);
        ops.forEach((op, i) => {
          const out = new Collector();
          op.processBatch(parts[i]!);
          op.processWatermark(wm, out);
          drain(out, got);
        });
        if (every > 0 && ++k % every === 0) {
          // checkpoint: every subtask's snapshot through msgpack, then restore at the next parallelism
          const snaps = ops.map((op) => unpack(pack({ keyed: [...op.snapshot().keyed], operator: op.snapshot().operator })) as { keyed: [number, unknown[]][]; operator: unknown });
          p = parallelisms[(k / every) % parallelisms.length]!;
          ops = Array.from({ length: p }, (_, i) => {
            const op = make(i, p);
            const range = keyGroupRange(i, p, 128);
            const keyed = new Map<number, unknown[]>();
            for (const sn of snaps) for (const [kg, entries] of sn.keyed) if (kg >= range.start && kg < range.end) keyed.set(kg, [...(keyed.get(kg) ?? []), ...entries]);
            op.restore(keyed, snaps.map((sn) => sn.operator));
            return op;
          });
        }
      }
      for (const op of ops) {
        const out = new Collector();
        op.finish(out);
        drain(out, got);
      }
      return got.sort();
    };
    const clean = run(0, [1]);
    expect(clean.length).toBeGreaterThan(20);
    expect(run(3, [1])).toEqual(clean);
    expect(run(2, [2, 1])).toEqual(clean);
  });
});
