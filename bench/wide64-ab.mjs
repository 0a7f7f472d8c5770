// usage: node bench/wide64-ab.mjs <a build's dist dir> <wdistinct|join|over> <parallelism>
// Wide BIGINT in more operators (branch wide64): the narrow case must cost what it did.
// (generates bids once into /tmp/wide64-bench/data, 1M by default; EVENTS=n for another size)
import { existsSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
const [dist, q, par] = process.argv.slice(2);
const { NexmarkGenerator, defaultNexmarkConfig } = await import(join(dist, 'src/connectors/nexmark/generator.js'));
const { CsvEncoder } = await import(join(dist, 'src/connectors/formats/csv.js'));
const { Session } = await import(join(dist, 'src/sql/session.js'));
const { RunningJob } = await import(join(dist, 'src/exec/job-runner.js'));
const DATA = '/tmp/wide64-bench/data';
const EVENTS = Number(process.env.EVENTS ?? 1000000);
if (!existsSync(join(DATA, 'part-3.csv'))) {
  mkdirSync(DATA, { recursive: true });
  const gen = new NexmarkGenerator({ ...defaultNexmarkConfig(), eventsNum: Infinity }, 'bid', ['auction', 'bidder', 'price', 'channel', 'date_time']);
  const enc = new CsvEncoder(gen.types);
  let cursor = 0, rows = 0;
  for (let f = 0; f < 4; f++) {
    const fd = openSync(join(DATA, `part-${f}.csv`), 'w');
    const upTo = Math.round((EVENTS * (f + 1)) / 4);
    while (rows < upTo) { const r = gen.generate(cursor, 1, Math.min(65536, upTo - rows)); cursor = r.next; rows += r.batch.length; writeSync(fd, enc.encode(r.batch)); }
    closeSync(fd);
  }
}
const TABLE = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'filesystem', 'path' = '${DATA}', 'format' = 'csv');
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE sink_u (a BIGINT, c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');`;
const Q = {
  // window aggregate with a shared DISTINCT, MIN/MAX and SUM (window-aggregate, shared-distinct)
  wdistinct: `INSERT INTO sink_t SELECT auction, window_start, COUNT(DISTINCT bidder), SUM(price), MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  // regular join of an updating aggregate with the bids (JoinRows: both sides stored, carried BIGINT columns)
  join: `INSERT INTO sink_u SELECT b.auction, b.price, m.hi, b.bidder FROM bid b JOIN (SELECT auction, MAX(price) AS hi FROM bid GROUP BY auction) m ON b.auction = m.auction;`,
  // OVER (RowStore, partition keys)
  over: `INSERT INTO sink_u SELECT auction, price, SUM(price) OVER w, MAX(bidder) OVER w FROM bid WINDOW w AS (PARTITION BY auction ORDER BY date_time ROWS BETWEEN 5 PRECEDING AND CURRENT ROW);`,
};
const session = new Session();
const sinks = [];
for (const { result } of session.executeScript({ name: 'b.sql', text: `${TABLE}\n${Q[q]}` })) if (result.kind === 'insert') sinks.push(...result.sinks);
const p = Number(par);
const plan = session.physicalPlan(sinks, [], p);
const t0 = performance.now();
const job = new RunningJob(plan, session.options, { jobId: 'b', parallelism: p, listener: () => ({ onBatch() {} }) });
const s = await job.run();
console.log(JSON.stringify({ q, p, seconds: (performance.now() - t0) / 1000, rows: s.rowsWritten }));
