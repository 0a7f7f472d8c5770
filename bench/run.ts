// `npm run bench`: weir against a hand-written JavaScript loop and DuckDB, on the same data,
// in the same run. Prints events per second and the ratios, and records them in
// bench/RESULTS.md.
//
// Data: 10M Nexmark bid events (auction, bidder, price, channel, date_time), generated once
// by weir's deterministic generator into bench/data/bids-10m.csv and reused afterwards.
// Every engine reads that file. Each query's result size is cross-checked between the three
// (a benchmark of a wrong answer is worthless).

import { existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync, closeSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { NexmarkGenerator, defaultNexmarkConfig } from '../src/connectors/nexmark/generator.js';
import { CsvEncoder } from '../src/connectors/formats/csv.js';
import { Session } from '../src/sql/session.js';
import { RunningJob } from '../src/exec/job-runner.js';
import type { SinkNode } from '../src/plan/logical.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DATA_DIR = join(ROOT, 'bench', 'data');
const EVENTS = Number(process.env.WEIR_BENCH_EVENTS ?? 10_000_000);
const DATA = join(DATA_DIR, `bids-${EVENTS}.csv`);
const REPEAT = Number(process.env.WEIR_BENCH_REPEAT ?? 3);

// ---------------------------------------------------------------------------------------
// data

async function ensureData(): Promise<void> {
  if (existsSync(DATA) && statSync(DATA).size > 0) return;
  mkdirSync(DATA_DIR, { recursive: true });
  const cfg = { ...defaultNexmarkConfig(), eventsNum: Infinity };
  const gen = new NexmarkGenerator(cfg, 'bid', ['auction', 'bidder', 'price', 'channel', 'date_time']);
  const enc = new CsvEncoder(gen.types);
  const tmp = DATA + '.tmp';
  const fd = openSync(tmp, 'w');
  let cursor = 0;
  let rows = 0;
  const t0 = performance.now();
  while (rows < EVENTS) {
    const r = gen.generate(cursor, 1, Math.min(65536, EVENTS - rows));
    cursor = r.next;
    rows += r.batch.length;
    writeSync(fd, enc.encode(r.batch));
  }
  closeSync(fd);
  renameSync(tmp, DATA);
  console.error(`generated ${rows.toLocaleString()} bid events into ${DATA} in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
}

// ---------------------------------------------------------------------------------------
// engines

interface Measurement {
  readonly seconds: number;
  readonly resultRows: number;
}

function best(ms: Measurement[]): Measurement {
  return ms.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const TABLE = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${DATA}', 'format' = 'csv');
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');`;

async function runWeir(insert: string, parallelism: number): Promise<Measurement> {
  const session = new Session();
  const sinks: SinkNode[] = [];
  for (const { result } of session.executeScript({ name: 'bench.sql', text: `${TABLE}\n${insert}` })) {
    if (result.kind === 'insert') sinks.push(...result.sinks);
  }
  const plan = session.physicalPlan(sinks, [], parallelism);
  const t0 = performance.now();
  const job = new RunningJob(plan, session.options, { jobId: 'bench', parallelism });
  const s = await job.run();
  return { seconds: (performance.now() - t0) / 1000, resultRows: s.rowsWritten };
}

async function runDuck(sql: string): Promise<Measurement> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const src = `read_csv('${DATA}', header = false, columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', 'date_time': 'TIMESTAMP'})`;
  const t0 = performance.now();
  const r = await conn.runAndReadAll(`SELECT count(*) FROM (${sql.replaceAll('$SRC', src)})`);
  const seconds = (performance.now() - t0) / 1000;
  const n = Number(r.getRowsJS()[0]![0] as bigint);
  conn.closeSync();
  return { seconds, resultRows: n };
}

/**
 * The hand-written loop: what a careful JavaScript developer writes for exactly this query —
 * read the file in chunks, parse the needed fields straight from the bytes, aggregate per
 * (window, auction) in a Map per window with accumulators in typed arrays.
 */
async function handTumble(): Promise<Measurement> {
  const t0 = performance.now();
  const windows = new Map<number, Map<number, number>>();
  let counts: Float64Array = new Float64Array(1 << 16);
  let sums: Float64Array = new Float64Array(1 << 16);
  let maxes: Float64Array = new Float64Array(1 << 16);
  let slots = 0;
  let carry: Buffer | null = null;
  // day cache for timestamp parsing
  let lastDayKey = -1;
  let lastDayMs = 0;
  for await (const chunk of createReadStream(DATA, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    let p = 0;
    const n = buf.length;
    for (;;) {
      const nl = buf.indexOf(10, p);
      if (nl < 0) break;
      // auction
      let q = p;
      let auction = 0;
      while (buf[q] !== 44) auction = auction * 10 + (buf[q++]! - 48);
      q++;
      while (buf[q] !== 44) q++; // bidder
      q++;
      let price = 0;
      while (buf[q] !== 44) price = price * 10 + (buf[q++]! - 48);
      q++;
      while (buf[q] !== 44) q++; // channel
      q++;
      // yyyy-MM-dd HH:mm:ss.SSS
      const d = (i: number): number => buf[q + i]! - 48;
      const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
      const mo = d(5) * 10 + d(6);
      const da = d(8) * 10 + d(9);
      const dayKey = y * 10000 + mo * 100 + da;
      if (dayKey !== lastDayKey) {
        lastDayKey = dayKey;
        lastDayMs = Date.UTC(y, mo - 1, da);
      }
      const ts = lastDayMs + (d(11) * 10 + d(12)) * 3_600_000 + (d(14) * 10 + d(15)) * 60_000 + (d(17) * 10 + d(18)) * 1000 + (nl - q > 19 ? d(20) * 100 + d(21) * 10 + d(22) : 0);
      const ws = ts - (ts % 10_000);
      let win = windows.get(ws);
      if (win === undefined) {
        win = new Map();
        windows.set(ws, win);
      }
      let slot = win.get(auction);
      if (slot === undefined) {
        slot = slots++;
        if (slot >= counts.length) {
          const grow = (a: Float64Array): Float64Array => {
            const b = new Float64Array(a.length * 2);
            b.set(a);
            return b;
          };
          counts = grow(counts);
          sums = grow(sums);
          maxes = grow(maxes);
        }
        win.set(auction, slot);
        counts[slot] = 0;
        sums[slot] = 0;
        maxes[slot] = -Infinity;
      }
      counts[slot]!++;
      sums[slot]! += price;
      if (price > maxes[slot]!) maxes[slot] = price;
      p = nl + 1;
    }
    carry = p < n ? buf.subarray(p) : null;
  }
  let rows = 0;
  for (const w of windows.values()) rows += w.size;
  return { seconds: (performance.now() - t0) / 1000, resultRows: rows };
}

// ---------------------------------------------------------------------------------------

interface CaseResult {
  readonly name: string;
  readonly weir: Measurement;
  readonly loop: Measurement | undefined;
  readonly duck: Measurement;
  readonly parallelism: number;
}

async function measure(name: string, insert: string, duckSql: string, loop: (() => Promise<Measurement>) | undefined, parallelism = 1): Promise<CaseResult> {
  const w: Measurement[] = [];
  const l: Measurement[] = [];
  const d: Measurement[] = [];
  for (let i = 0; i < REPEAT; i++) {
    w.push(await runWeir(insert, parallelism));
    if (loop) l.push(await loop());
    d.push(await runDuck(duckSql));
  }
  const r = { name, weir: best(w), loop: loop ? best(l) : undefined, duck: best(d), parallelism };
  const rows = [r.weir.resultRows, r.duck.resultRows, ...(r.loop ? [r.loop.resultRows] : [])];
  if (new Set(rows).size !== 1) throw new Error(`${name}: result sizes differ (weir ${r.weir.resultRows}, DuckDB ${r.duck.resultRows}${r.loop ? `, loop ${r.loop.resultRows}` : ''})`);
  return r;
}

function eps(m: Measurement): string {
  return `${((EVENTS / m.seconds) / 1e6).toFixed(2)}M`;
}

async function main(): Promise<void> {
  await ensureData();
  const results: CaseResult[] = [];
  results.push(
    await measure(
      'tumble 10s: COUNT, SUM, MAX per auction',
      `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price)
       FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND))
       GROUP BY auction, window_start, window_end;`,
      `SELECT auction, time_bucket(INTERVAL '10 seconds', date_time) AS ws, count(*), sum(price), max(price) FROM $SRC GROUP BY ALL`,
      handTumble,
    ),
  );
  const lines = [
    `| query | parallelism | result rows | weir events/s | hand loop events/s | DuckDB events/s | weir / loop | weir / DuckDB |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.parallelism} | ${r.weir.resultRows.toLocaleString()} | ${eps(r.weir)} | ${r.loop ? eps(r.loop) : '-'} | ${eps(r.duck)} | ${r.loop ? (r.loop.seconds / r.weir.seconds).toFixed(2) : '-'} | ${(r.duck.seconds / r.weir.seconds).toFixed(2)} |`,
    ),
  ];
  const table = lines.join('\n');
  console.log(table);
  const header = `## Latest run\n\n${new Date().toISOString().slice(0, 10)}, ${EVENTS.toLocaleString()} events from \`${DATA.slice(ROOT.length + 1)}\`, best of ${REPEAT}; Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB. DuckDB uses all cores; weir and the loop use one (parallelism 1).\n\n`;
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const intro = old.includes('## Latest run') ? old.slice(0, old.indexOf('## Latest run')) : '# Benchmark results\n\nWritten by `npm run bench`. Ratios above 1 mean weir is faster.\n\n';
  writeFileSync(file, `${intro}${header}${table}\n`);
}

await main();
