// The Top-N part of `npm run bench`: Nexmark q18 (deduplication keep-last), q19 (Top-10 per
// auction with the row number) and q9 (a regular join feeding a Top-1), each against a
// hand-written JavaScript loop computing the same changelog over the same generated rows and
// against DuckDB on the same rows, measured in the same run; plus the rank state's bytes per
// partition key, read from a real checkpoint.
//
// weir runs the repository's query file (queries/nexmark/qN.sql, events.num replaced) into its
// blackhole sink. The loops generate the same columns with the same generator class and keep
// what the query needs, emitting (counting, and folding into a checksum) one changelog row per
// change, row by row:
// - q18: the kept row per (bidder, auction) in typed arrays; a later bid replaces it (-U/+U).
// - q19: per auction the 10 highest bids' slots, sorted; a new bid that ranks shifts the rows
//   below it (-U/+U per changed position, +I for a new position).
// - q9: the join as weir does it (every auction and every bid stored, bids chained by auction)
//   and the winning bid per auction (+I, then -U/+U when a higher or earlier equal bid comes).
// weir diffs each batch's touched partitions, so it writes fewer changelog rows than the loop
// (one -U/+U per position per batch, not per input row).
// DuckDB gets the rows through its appender beforehand (not timed) and computes the final
// result with a window function (QUALIFY row_number()).
//
// The final result's row count must agree between the engines, or the run fails. weir's count
// comes from a second run with checkpointing on (untimed): a bounded job ends with a final
// checkpoint, whose rank state holds exactly the rows in the result (the top rows of each
// partition); the same checkpoint gives the state bytes per partition key.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import type { NexmarkTable } from '../src/connectors/nexmark/generator.js';
import { Session } from '../src/sql/session.js';
import { RunningJob, coordinatorConfig } from '../src/exec/job-runner.js';
import type { SinkNode } from '../src/plan/logical.js';
import { CheckpointStorage } from '../src/checkpoint/storage.js';
import type { Measurement } from './common.js';
import { CHUNK, best, config, eps, querySql, runWeirFile } from './common.js';
import type { DuckTable } from './nexmark-joins.js';
import { Chains, IntMap, generateOnly, growF64, loadDuck, runDuck } from './nexmark-joins.js';

export interface TopnCase {
  readonly name: string;
  /** The query file under queries/nexmark; its 'events.num' is replaced by `events`. */
  readonly file: string;
  readonly events: number;
  readonly duckTables: readonly DuckTable[];
  /** DuckDB SQL whose rows are the query's final result rows. */
  readonly duck: string;
  /** The loop: its resultRows are the final result rows; changelog rows in `changelog`. */
  readonly loop: (events: number) => LoopMeasurement;
  /** What the loop generates, for the generator-alone column. */
  readonly generated: readonly [NexmarkTable, readonly string[]][];
  /** What a partition key of the rank is, for the state table. */
  readonly keyName: string;
}

export interface LoopMeasurement extends Measurement {
  readonly changelog: number;
}

/** One operator's keyed state in the final checkpoint. */
export interface OperatorState {
  readonly operatorId: string;
  readonly bytes: number;
  /** Records in its keyed state (for the rank: partitions). */
  readonly records: number;
  /** Rows held (for the rank: the rows of every partition). */
  readonly rows: number;
}

export interface TopnResult {
  readonly c: TopnCase;
  readonly parallelism: number;
  /** resultRows: changelog rows written to the sink. */
  readonly weir: Measurement;
  readonly loop: LoopMeasurement;
  readonly duck: Measurement;
  readonly generateOnly: Measurement;
  /** The final checkpoint's keyed state, per stateful operator. */
  readonly state: readonly OperatorState[];
}

// ---------------------------------------------------------------------------------------
// weir with a final checkpoint: result rows and state bytes

interface PartitionRecordLike {
  readonly r?: unknown[];
}

async function weirFinalState(c: TopnCase, parallelism: number): Promise<OperatorState[]> {
  const session = new Session();
  const sinks: SinkNode[] = [];
  for (const { result } of session.executeScript({ name: c.file, text: querySql(c) })) if (result.kind === 'insert') sinks.push(...result.sinks);
  const plan = session.physicalPlan(sinks, [], parallelism);
  // one checkpoint only: the final one, taken once every source is exhausted
  session.options.set('execution.checkpointing.interval', '1h');
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-topn-'));
  try {
    const job = new RunningJob(plan, session.options, { jobId: 'bench-topn-state', parallelism, checkpoint: { dir, config: coordinatorConfig(session.options), retained: 1 } });
    await job.run();
    const st = new CheckpointStorage(dir);
    const id = st.ids().at(-1);
    if (id === undefined) throw new Error(`${c.file}: the job took no final checkpoint`);
    const { meta, operators } = st.load(id);
    const out: OperatorState[] = [];
    for (const [operatorId, snaps] of operators) {
      if (!/-(rank|join)$/.test(operatorId)) continue;
      const bytes = meta.states.filter((h) => h.operatorId === operatorId).reduce((a, h) => a + h.bytes, 0);
      let records = 0;
      let rows = 0;
      for (const s of snaps) {
        for (const list of s.keyed.values()) {
          records += list.length;
          for (const rec of list) rows += (rec as PartitionRecordLike).r?.length ?? 0;
        }
      }
      out.push({ operatorId, bytes, records, rows });
    }
    return out.sort((a, b) => a.operatorId.localeCompare(b.operatorId));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rankState(c: TopnCase, s: readonly OperatorState[]): OperatorState {
  const r = s.find((x) => x.operatorId.endsWith('-rank'));
  if (r === undefined) throw new Error(`${c.file}: no rank operator in the checkpoint`);
  return r;
}

// ---------------------------------------------------------------------------------------
// hand loops

function growI32(a: Int32Array, min: number): Int32Array {
  if (min < a.length) return a;
  const b = new Int32Array(Math.max(min + 1, a.length * 2));
  b.set(a);
  return b;
}

/** (bidder, auction) as one number: auction ids stay below 2^26 up to ~10^9 events. */
const PAIR = 2 ** 26;

/**
 * q18: the last bid per (bidder, auction). The kept row's columns in typed arrays (strings in
 * arrays) by slot; a bid at or after the kept time replaces it (-U old, +U new), as weir's
 * keep-last deduplication does.
 */
export function loopQ18(events: number): LoopMeasurement {
  const t0 = performance.now();
  const g = new NexmarkGenerator(config(events), 'bid', ['auction', 'bidder', 'price', 'channel', 'url', 'date_time', 'extra']);
  const slotOf = new IntMap();
  let sAuction: Float64Array = new Float64Array(1 << 16);
  let sBidder: Float64Array = new Float64Array(1 << 16);
  let sPrice: Float64Array = new Float64Array(1 << 16);
  let sTime: Float64Array = new Float64Array(1 << 16);
  const sChannel: string[] = [];
  const sUrl: string[] = [];
  const sExtra: string[] = [];
  let n = 0;
  let changelog = 0;
  let check = 0;
  for (let cursor = 0; ; ) {
    const r = g.generate(cursor, 1, CHUNK);
    cursor = r.next;
    const b = r.batch;
    if (b.length === 0) break;
    const auctions = b.columns[0]!.values as Float64Array;
    const bidders = b.columns[1]!.values as Float64Array;
    const prices = b.columns[2]!.values as Float64Array;
    const channels = b.columns[3]!.values as string[];
    const urls = b.columns[4]!.values as string[];
    const times = b.columns[5]!.values as Float64Array;
    const extras = b.columns[6]!.values as string[];
    for (let i = 0; i < b.length; i++) {
      const key = bidders[i]! * PAIR + auctions[i]!;
      let s = slotOf.get(key);
      if (s < 0) {
        s = n++;
        if (s >= sTime.length) {
          sAuction = growF64(sAuction, s);
          sBidder = growF64(sBidder, s);
          sPrice = growF64(sPrice, s);
          sTime = growF64(sTime, s);
        }
        slotOf.set(key, s);
        changelog++;
      } else {
        if (times[i]! < sTime[s]!) continue;
        // -U of the kept row
        changelog += 2;
        check += sPrice[s]! + sExtra[s]!.length;
      }
      sAuction[s] = auctions[i]!;
      sBidder[s] = bidders[i]!;
      sPrice[s] = prices[i]!;
      sTime[s] = times[i]!;
      sChannel[s] = channels[i]!;
      sUrl[s] = urls[i]!;
      sExtra[s] = extras[i]!;
      check += prices[i]! + extras[i]!.length;
    }
  }
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: n, changelog };
}

/**
 * q19: the 10 highest bids per auction with their row number. Per auction 10 slots of row
 * indices sorted by price (descending, arrival order among equal prices); accepted rows' columns
 * in typed arrays. A bid not above the 10th of a full auction is dropped unstored; one that
 * enters at position p shifts the rows below: -U/+U for each position from p to the old last,
 * +I for a new last position.
 */
export function loopQ19(events: number): LoopMeasurement {
  const t0 = performance.now();
  const N = 10;
  const g = new NexmarkGenerator(config(events), 'bid', ['auction', 'bidder', 'price', 'channel', 'url', 'date_time', 'extra']);
  const baseOf = new IntMap();
  let top: Int32Array = new Int32Array(N << 12);
  let topPrice: Float64Array = new Float64Array(N << 12);
  let count: Int32Array = new Int32Array(1 << 12);
  let nAuctions = 0;
  let rAuction: Float64Array = new Float64Array(1 << 16);
  let rBidder: Float64Array = new Float64Array(1 << 16);
  let rPrice: Float64Array = new Float64Array(1 << 16);
  let rTime: Float64Array = new Float64Array(1 << 16);
  const rChannel: string[] = [];
  const rUrl: string[] = [];
  const rExtra: string[] = [];
  let nRows = 0;
  let changelog = 0;
  let check = 0;
  let result = 0;
  for (let cursor = 0; ; ) {
    const r = g.generate(cursor, 1, CHUNK);
    cursor = r.next;
    const b = r.batch;
    if (b.length === 0) break;
    const auctions = b.columns[0]!.values as Float64Array;
    const bidders = b.columns[1]!.values as Float64Array;
    const prices = b.columns[2]!.values as Float64Array;
    const channels = b.columns[3]!.values as string[];
    const urls = b.columns[4]!.values as string[];
    const times = b.columns[5]!.values as Float64Array;
    const extras = b.columns[6]!.values as string[];
    for (let i = 0; i < b.length; i++) {
      const price = prices[i]!;
      let a = baseOf.get(auctions[i]!);
      if (a < 0) {
        a = nAuctions++;
        baseOf.set(auctions[i]!, a);
        count = growI32(count, a);
        if ((a + 1) * N > top.length) {
          top = growI32(top, (a + 1) * N);
          topPrice = growF64(topPrice, (a + 1) * N);
        }
      }
      const base = a * N;
      const k = count[a]!;
      if (k === N && price <= topPrice[base + N - 1]!) continue;
      // position: after every row priced at or above it
      let p = k;
      while (p > 0 && topPrice[base + p - 1]! < price) p--;
      const row = nRows++;
      if (row >= rTime.length) {
        rAuction = growF64(rAuction, row);
        rBidder = growF64(rBidder, row);
        rPrice = growF64(rPrice, row);
        rTime = growF64(rTime, row);
      }
      rAuction[row] = auctions[i]!;
      rBidder[row] = bidders[i]!;
      rPrice[row] = price;
      rTime[row] = times[i]!;
      rChannel[row] = channels[i]!;
      rUrl[row] = urls[i]!;
      rExtra[row] = extras[i]!;
      // the old rows at p..k-1 move down one (the 10th falls off a full auction)
      const last = k === N ? N - 1 : k;
      for (let q = last; q > p; q--) {
        top[base + q] = top[base + q - 1]!;
        topPrice[base + q] = topPrice[base + q - 1]!;
      }
      top[base + p] = row;
      topPrice[base + p] = price;
      // -U/+U per position p..k-1 (old row out, new row in), +I for position k if new
      for (let q = p; q <= last; q++) {
        const x = top[base + q]!;
        check += rPrice[x]! + rExtra[x]!.length + q;
        changelog += q < k ? 2 : 1;
      }
      if (k < N) {
        count[a] = k + 1;
        result++;
      }
    }
  }
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: result, changelog };
}

/**
 * q9: auctions joined with the bids made while they were open, the winning bid per auction.
 * The join as weir's regular join does it: every auction (id -> row) and every bid (chained by
 * auction) is stored; a new auction walks its bids, a new bid probes its auction. Each match
 * is offered to the auction's winner: the highest price, the earliest time among equal prices,
 * the first arrival among full ties (+I for the first, -U/+U when it changes).
 */
export function loopQ9(events: number): LoopMeasurement {
  const t0 = performance.now();
  const cfg = config(events);
  const ga = new NexmarkGenerator(cfg, 'auction', ['id', 'item_name', 'description', 'initial_bid', 'reserve', 'date_time', 'expires', 'seller', 'category', 'extra']);
  const gb = new NexmarkGenerator(cfg, 'bid', ['auction', 'bidder', 'price', 'date_time', 'extra']);
  // auctions
  const auctionRow = new IntMap();
  let aId: Float64Array = new Float64Array(1 << 14);
  let aInitial: Float64Array = new Float64Array(1 << 14);
  let aReserve: Float64Array = new Float64Array(1 << 14);
  let aTime: Float64Array = new Float64Array(1 << 14);
  let aExpires: Float64Array = new Float64Array(1 << 14);
  let aSeller: Float64Array = new Float64Array(1 << 14);
  let aCategory: Float64Array = new Float64Array(1 << 14);
  const aItem: string[] = [];
  const aDesc: string[] = [];
  const aExtra: string[] = [];
  let winner: Int32Array = new Int32Array(1 << 14).fill(-1);
  let nA = 0;
  // bids
  let bBidder: Float64Array = new Float64Array(1 << 16);
  let bPrice: Float64Array = new Float64Array(1 << 16);
  let bTime: Float64Array = new Float64Array(1 << 16);
  const bExtra: string[] = [];
  const byAuction = new Chains();
  let nB = 0;
  let changelog = 0;
  let result = 0;
  let check = 0;
  const emit = (a: number, b: number): void => {
    check += aId[a]! + aItem[a]!.length + aDesc[a]!.length + aExtra[a]!.length + bPrice[b]! + bBidder[b]! + bExtra[b]!.length;
  };
  const offer = (a: number, b: number): void => {
    const t = bTime[b]!;
    if (t < aTime[a]! || t > aExpires[a]!) return;
    const w = winner[a]!;
    if (w < 0) {
      winner[a] = b;
      changelog++;
      result++;
      emit(a, b);
      return;
    }
    const p = bPrice[b]!;
    const wp = bPrice[w]!;
    if (p > wp || (p === wp && t < bTime[w]!)) {
      emit(a, w);
      winner[a] = b;
      changelog += 2;
      emit(a, b);
    }
  };
  let ac = 0;
  let bc = 0;
  for (let end = Math.min(events, CHUNK); ; end = Math.min(events, end + CHUNK)) {
    for (;;) {
      const r = ga.generate(ac, 1, CHUNK, end);
      ac = r.next;
      const b = r.batch;
      if (b.length === 0) break;
      const c = b.columns;
      const ids = c[0]!.values as Float64Array;
      for (let i = 0; i < b.length; i++) {
        const a = nA++;
        if (a >= aId.length) {
          aId = growF64(aId, a);
          aInitial = growF64(aInitial, a);
          aReserve = growF64(aReserve, a);
          aTime = growF64(aTime, a);
          aExpires = growF64(aExpires, a);
          aSeller = growF64(aSeller, a);
          aCategory = growF64(aCategory, a);
          const w = new Int32Array(aId.length).fill(-1);
          w.set(winner);
          winner = w;
        }
        const id = ids[i]!;
        aId[a] = id;
        aItem[a] = (c[1]!.values as string[])[i]!;
        aDesc[a] = (c[2]!.values as string[])[i]!;
        aInitial[a] = (c[3]!.values as Float64Array)[i]!;
        aReserve[a] = (c[4]!.values as Float64Array)[i]!;
        aTime[a] = (c[5]!.values as Float64Array)[i]!;
        aExpires[a] = (c[6]!.values as Float64Array)[i]!;
        aSeller[a] = (c[7]!.values as Float64Array)[i]!;
        aCategory[a] = (c[8]!.values as Float64Array)[i]!;
        aExtra[a] = (c[9]!.values as string[])[i]!;
        auctionRow.set(id, a);
        for (let x = byAuction.head.get(id); x >= 0; x = byAuction.next[x]!) offer(a, x);
      }
    }
    for (;;) {
      const r = gb.generate(bc, 1, CHUNK, end);
      bc = r.next;
      const b = r.batch;
      if (b.length === 0) break;
      const auctions = b.columns[0]!.values as Float64Array;
      const bidders = b.columns[1]!.values as Float64Array;
      const prices = b.columns[2]!.values as Float64Array;
      const times = b.columns[3]!.values as Float64Array;
      const extras = b.columns[4]!.values as string[];
      for (let i = 0; i < b.length; i++) {
        const x = nB++;
        if (x >= bTime.length) {
          bBidder = growF64(bBidder, x);
          bPrice = growF64(bPrice, x);
          bTime = growF64(bTime, x);
        }
        bBidder[x] = bidders[i]!;
        bPrice[x] = prices[i]!;
        bTime[x] = times[i]!;
        bExtra.push(extras[i]!);
        const auction = auctions[i]!;
        byAuction.add(auction, x);
        const a = auctionRow.get(auction);
        if (a >= 0) offer(a, x);
      }
    }
    if (end >= events) break;
  }
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: result, changelog };
}

// ---------------------------------------------------------------------------------------
// cases

const BID_ALL: [string, string][] = [['auction', 'BIGINT'], ['bidder', 'BIGINT'], ['price', 'BIGINT'], ['channel', 'STRING'], ['url', 'STRING'], ['date_time', 'TIMESTAMP(3)'], ['extra', 'STRING']];
const TOPN_EVENTS = Number(process.env.WEIR_BENCH_TOPN_EVENTS ?? 2_000_000);
const Q9_EVENTS = Number(process.env.WEIR_BENCH_Q9_EVENTS ?? TOPN_EVENTS);

export const TOPN_CASES: readonly TopnCase[] = [
  {
    name: 'Nexmark q18: last bid per (bidder, auction) (deduplication keep-last)',
    file: 'queries/nexmark/q18.sql',
    events: TOPN_EVENTS,
    duckTables: [{ name: 'bid', table: 'bid', columns: BID_ALL }],
    duck: `SELECT * FROM bid QUALIFY row_number() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC) = 1`,
    loop: loopQ18,
    generated: [['bid', BID_ALL.map(([n]) => n)]],
    keyName: '(bidder, auction)',
  },
  {
    name: 'Nexmark q19: top 10 bids per auction by price, with the row number',
    file: 'queries/nexmark/q19.sql',
    events: TOPN_EVENTS,
    duckTables: [{ name: 'bid', table: 'bid', columns: BID_ALL }],
    duck: `SELECT *, row_number() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid QUALIFY rn <= 10`,
    loop: loopQ19,
    generated: [['bid', BID_ALL.map(([n]) => n)]],
    keyName: 'auction',
  },
  {
    name: 'Nexmark q9: winning bid per auction (regular join, then Top-1)',
    file: 'queries/nexmark/q9.sql',
    events: Q9_EVENTS,
    duckTables: [
      {
        name: 'auction_events',
        table: 'auction',
        columns: [['id', 'BIGINT'], ['item_name', 'STRING'], ['description', 'STRING'], ['initial_bid', 'BIGINT'], ['reserve', 'BIGINT'], ['date_time', 'TIMESTAMP(3)'], ['expires', 'TIMESTAMP(3)'], ['seller', 'BIGINT'], ['category', 'BIGINT'], ['extra', 'STRING']],
      },
      { name: 'bid_events', table: 'bid', columns: [['auction', 'BIGINT'], ['bidder', 'BIGINT'], ['price', 'BIGINT'], ['date_time', 'TIMESTAMP(3)'], ['extra', 'STRING']] },
    ],
    duck: `SELECT a.*, b.auction, b.bidder, b.price, b.date_time AS bid_date_time, b.extra AS bid_extra
      FROM auction_events a JOIN bid_events b ON a.id = b.auction AND b.date_time BETWEEN a.date_time AND a.expires
      QUALIFY row_number() OVER (PARTITION BY a.id ORDER BY b.price DESC, b.date_time ASC) = 1`,
    loop: loopQ9,
    generated: [
      ['auction', ['id', 'item_name', 'description', 'initial_bid', 'reserve', 'date_time', 'expires', 'seller', 'category', 'extra']],
      ['bid', ['auction', 'bidder', 'price', 'date_time', 'extra']],
    ],
    keyName: 'auction',
  },
];

/** Each case at parallelism 1 (with the loop and DuckDB) and at 2; best of `repeat`. */
export async function measureTopn(repeat: number, cases: readonly TopnCase[] = TOPN_CASES): Promise<TopnResult[]> {
  const results: TopnResult[] = [];
  // WEIR_BENCH_TOPN=q18,q19 picks cases by their file's query name
  const only = process.env.WEIR_BENCH_TOPN?.split(',');
  for (const c of cases) {
    if (only !== undefined && !only.includes(/q\d+/.exec(c.file)![0])) continue;
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await loadDuck(conn, c);
    const w: Measurement[] = [];
    const l: LoopMeasurement[] = [];
    const d: Measurement[] = [];
    const g: Measurement[] = [];
    for (let i = 0; i < repeat; i++) {
      w.push(await runWeirFile(c, 1));
      l.push(c.loop(c.events));
      d.push(await runDuck(conn, c.duck));
      g.push(generateOnly(c.events, c.generated));
    }
    conn.closeSync();
    const loop = l.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const duck = best(d);
    const state1 = await weirFinalState(c, 1);
    const rows1 = rankState(c, state1).rows;
    const sizes = [rows1, loop.resultRows, duck.resultRows];
    if (new Set(sizes).size !== 1) throw new Error(`${c.name}: final result sizes differ (weir ${sizes[0]}, loop ${sizes[1]}, DuckDB ${sizes[2]})`);
    results.push({ c, parallelism: 1, weir: best(w), loop, duck, generateOnly: best(g), state: state1 });
    const w2: Measurement[] = [];
    for (let i = 0; i < repeat; i++) w2.push(await runWeirFile(c, 2));
    const state2 = await weirFinalState(c, 2);
    const rows2 = rankState(c, state2).rows;
    if (rows2 !== rows1) throw new Error(`${c.name}: parallelism 2 ends with ${rows2} result rows, parallelism 1 with ${rows1}`);
    results.push({ c, parallelism: 2, weir: best(w2), loop, duck, generateOnly: best(g), state: state2 });
  }
  return results;
}

// ---------------------------------------------------------------------------------------
// report

export function topnReport(results: readonly TopnResult[]): string {
  const lines = [
    `| query | events | parallelism | result rows | weir changelog rows | loop changelog rows | weir events/s | hand loop events/s | DuckDB events/s | generator alone events/s | weir / loop | weir / DuckDB |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...results.map(
      (r) =>
        `| ${r.c.name} | ${r.c.events.toLocaleString()} | ${r.parallelism} | ${r.duck.resultRows.toLocaleString()} | ${r.weir.resultRows.toLocaleString()} | ${r.loop.changelog.toLocaleString()} | ${eps(r.c.events, r.weir)} | ${eps(r.c.events, r.loop)} | ${eps(r.c.events, r.duck)} | ${eps(r.c.events, r.generateOnly)} | ${(r.loop.seconds / r.weir.seconds).toFixed(2)} | ${(r.duck.seconds / r.weir.seconds).toFixed(2)} |`,
    ),
    ``,
    `State in the final checkpoint (a bounded job ends with one), summed over subtasks; bytes are the operator's checkpoint files (msgpackr):`,
    ``,
    `| query | parallelism | operator | state bytes | partition keys | rows held | bytes per partition key |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
  ];
  for (const r of results) {
    const rank = rankState(r.c, r.state);
    for (const s of r.state) {
      const isRank = s === rank;
      // the join's records are not partitions: its bytes are given per partition key of the rank
      const keys = isRank ? `${s.records.toLocaleString()} (${r.c.keyName})` : `(per ${r.c.keyName} of the rank)`;
      const held = isRank ? s.rows.toLocaleString() : '-';
      lines.push(`| ${/q\d+/.exec(r.c.file)![0]} | ${r.parallelism} | ${s.operatorId} | ${s.bytes.toLocaleString()} | ${keys} | ${held} | ${(s.bytes / rank.records).toFixed(0)} |`);
    }
  }
  return lines.join('\n');
}
