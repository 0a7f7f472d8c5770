// The harness of the A/B scripts (bigint-ab.mjs, wide64-ab.mjs): one query of a given build
// (its dist directory) over Nexmark bids in CSV files, into a blackhole sink, timed in-process.
// Bids are generated once per data directory (EVENTS=n, 1M by default), in 4 files.
import { existsSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `insert` of build `dist` at `parallelism` over the bids in `dataDir`; prints {q, p, seconds, rows}. */
export async function runAb(dist, dataDir, name, insert, parallelism) {
  const { NexmarkGenerator, defaultNexmarkConfig } = await import(join(dist, 'src/connectors/nexmark/generator.js'));
  const { CsvEncoder } = await import(join(dist, 'src/connectors/formats/csv.js'));
  const { Session } = await import(join(dist, 'src/sql/session.js'));
  const { RunningJob } = await import(join(dist, 'src/exec/job-runner.js'));
  const events = Number(process.env.EVENTS ?? 1000000);
  if (!existsSync(join(dataDir, 'part-3.csv'))) {
    mkdirSync(dataDir, { recursive: true });
    const gen = new NexmarkGenerator({ ...defaultNexmarkConfig(), eventsNum: Infinity }, 'bid', ['auction', 'bidder', 'price', 'channel', 'date_time']);
    const enc = new CsvEncoder(gen.types);
    let cursor = 0, rows = 0;
    for (let f = 0; f < 4; f++) {
      const fd = openSync(join(dataDir, `part-${f}.csv`), 'w');
      const upTo = Math.round((events * (f + 1)) / 4);
      while (rows < upTo) { const r = gen.generate(cursor, 1, Math.min(65536, upTo - rows)); cursor = r.next; rows += r.batch.length; writeSync(fd, enc.encode(r.batch)); }
      closeSync(fd);
    }
  }
  const tables = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'filesystem', 'path' = '${dataDir}', 'format' = 'csv');
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE sink_u (a BIGINT, c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');`;
  const session = new Session();
  const sinks = [];
  for (const { result } of session.executeScript({ name: 'b.sql', text: `${tables}\n${insert}` })) if (result.kind === 'insert') sinks.push(...result.sinks);
  const p = Number(parallelism);
  const plan = session.physicalPlan(sinks, [], p);
  const t0 = performance.now();
  const job = new RunningJob(plan, session.options, { jobId: 'b', parallelism: p, listener: () => ({ onBatch() {} }) });
  const s = await job.run();
  console.log(JSON.stringify({ q: name, p, seconds: (performance.now() - t0) / 1000, rows: s.rowsWritten }));
}
