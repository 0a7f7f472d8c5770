// The join part of `npm run bench`: Nexmark join queries over weir's nexmark generator, each
// against a hand-written JavaScript loop doing the same join over the same generated rows and
// against DuckDB on the same rows, measured in the same run; plus the join state's bytes per
// stored row.
//
// weir runs the repository's query file (queries/nexmark/qN.sql, events.num replaced). The
// loop generates the same columns with the same generator (NexmarkGenerator, the connector's
// defaults) and joins them as weir does: a symmetric hash join that stores every row of both
// inputs (a regular join keeps its state forever), emitting each match once; for the window
// joins (q5, q8) it keeps only the open windows' tables and drops them once complete. DuckDB gets the
// same rows through its appender beforehand (not timed) and runs the join as one batch query.
// Every engine's result row count must agree, or the run fails.
//
// A query is one entry of JOIN_CASES: its file, the generator tables DuckDB needs (with the
// columns read), the DuckDB SQL, and the hand loop.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { NexmarkGenerator, defaultNexmarkConfig } from '../src/connectors/nexmark/generator.js';
import type { NexmarkConfig, NexmarkTable } from '../src/connectors/nexmark/generator.js';
import { Session } from '../src/sql/session.js';
import { RunningJob } from '../src/exec/job-runner.js';
import type { SinkNode } from '../src/plan/logical.js';
import { loadTable } from '../src/verify/duck-load.js';
import { RegularJoinOperator } from '../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../src/exec/operators/regular-join.js';
import type { Batch } from '../src/common/batch.js';
import { T } from '../src/common/types.js';
import type { DataType } from '../src/common/types.js';
import type { Collector, OperatorContext } from '../src/exec/operator.js';
import { encodeSnapshotParts } from '../src/checkpoint/storage.js';
import type { Measurement } from './common.js';
import { CHUNK, best, config, eps, heapAfterGc, querySql, runWeirFile } from './common.js';

/** A generator table DuckDB needs for a query: its name in the DuckDB SQL and the columns. */
export interface DuckTable {
  readonly name: string;
  readonly table: NexmarkTable;
  readonly columns: readonly [string, string][];
}

export interface JoinCase {
  readonly name: string;
  /** The query file under queries/nexmark; its 'events.num' is replaced by `events`. */
  readonly file: string;
  readonly events: number;
  readonly duckTables: readonly DuckTable[];
  /** DuckDB SQL whose rows are the query's result rows. */
  readonly duck: string;
  readonly loop: (events: number) => Measurement;
}

export interface JoinResult {
  readonly c: JoinCase;
  readonly parallelism: number;
  readonly weir: Measurement;
  readonly loop: Measurement;
  readonly duck: Measurement;
  /** Generating the loop's columns alone (no join), for scale. */
  readonly generateOnly: Measurement;
}

// ---------------------------------------------------------------------------------------
// weir

// ---------------------------------------------------------------------------------------
// DuckDB: the generated rows loaded once per case (not timed), then the query timed

export async function loadDuck(conn: DuckDBConnection, c: Pick<JoinCase, 'duckTables' | 'events'>): Promise<void> {
  for (const t of c.duckTables) {
    const ddl = `CREATE TABLE ${t.name} (${t.columns.map(([n, ty]) => `${n} ${ty}`).join(', ')})
      WITH ('connector' = 'nexmark', 'nexmark.table' = '${t.table}', 'events.num' = '${c.events}');`;
    const session = new Session();
    for (const _ of session.executeScript({ name: 'load.sql', text: ddl }));
    const def = session.catalog.get(t.name);
    if (def === undefined || def.kind !== 'table') throw new Error(`no table ${t.name}`);
    await loadTable(conn, def, `${t.name}__view`);
    // materialized, so the timed query does not convert timestamps
    await conn.run(`CREATE OR REPLACE TABLE ${t.name} AS SELECT * FROM ${t.name}__view`);
    await conn.run(`DROP VIEW ${t.name}__view; DROP TABLE ${t.name}__view__raw`);
  }
}

export async function runDuck(conn: DuckDBConnection, sql: string): Promise<Measurement> {
  const t0 = performance.now();
  const r = await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`);
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, resultRows: Number(r.getRowsJS()[0]![0] as bigint) };
}

// ---------------------------------------------------------------------------------------
// hand loops

/**
 * Integer key -> int value, open addressing with linear probing in typed arrays (what a
 * careful loop uses instead of a Map for millions of numeric keys).
 */
export class IntMap {
  private keys: Float64Array = new Float64Array(1 << 16);
  private vals: Int32Array = new Int32Array(1 << 16).fill(-1);
  private mask = (1 << 16) - 1;
  private size = 0;
  private slot(k: number): number {
    let h = (Math.imul(k | 0, 0x9e3779b1) ^ ((k / 4294967296) | 0)) & this.mask;
    while (this.vals[h] !== -1 && this.keys[h] !== k) h = (h + 1) & this.mask;
    return h;
  }
  get(k: number): number {
    return this.vals[this.slot(k)]!;
  }
  set(k: number, v: number): void {
    const h = this.slot(k);
    if (this.vals[h] === -1) {
      if (++this.size * 2 > this.mask) {
        this.grow();
        this.set(k, v);
        return;
      }
      this.keys[h] = k;
    }
    this.vals[h] = v;
  }
  /** Adds 1 to k's value (absent = 0) and returns the new value. */
  inc(k: number): number {
    const h = this.slot(k);
    const v = this.vals[h]!;
    if (v === -1) {
      this.set(k, 1);
      return 1;
    }
    return (this.vals[h] = v + 1);
  }
  private grow(): void {
    const ok = this.keys;
    const ov = this.vals;
    this.keys = new Float64Array(ok.length * 2);
    this.vals = new Int32Array(ov.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < ok.length; i++) if (ov[i] !== -1) this.set(ok[i]!, ov[i]!);
  }
}

/** Rows chained by an integer key: head per key, `next` per row. */
export class Chains {
  readonly head = new IntMap();
  next: Int32Array = new Int32Array(1 << 16);
  add(key: number, row: number): void {
    if (row >= this.next.length) {
      const n = new Int32Array(this.next.length * 2);
      n.set(this.next);
      this.next = n;
    }
    this.next[row] = this.head.get(key);
    this.head.set(key, row);
  }
}

export function growF64(a: Float64Array, min: number): Float64Array {
  if (min < a.length) return a;
  const b = new Float64Array(Math.max(min + 1, a.length * 2));
  b.set(a);
  return b;
}

/**
 * q3: auctions of category 10 joined with sellers from OR, ID or CA. Both sides are kept
 * (the filtered persons by id, the filtered auctions chained by seller); each new row probes
 * the other side. Output row = (name, city, state, auction id); the loop counts them and
 * folds the ids into a checksum so nothing is optimized away.
 */
function loopQ3(events: number): Measurement {
  const t0 = performance.now();
  const cfg = config(events);
  const gp = new NexmarkGenerator(cfg, 'person', ['id', 'name', 'city', 'state', 'date_time']);
  const ga = new NexmarkGenerator(cfg, 'auction', ['id', 'date_time', 'seller', 'category']);
  // person side: id -> row; name, city, state by row
  const personRow = new IntMap();
  const pName: string[] = [];
  const pCity: string[] = [];
  const pState: string[] = [];
  // auction side: rows chained by seller
  let aId: Float64Array = new Float64Array(1 << 16);
  const bySeller = new Chains();
  let nA = 0;
  let out = 0;
  let check = 0;
  let pc = 0;
  let ac = 0;
  for (let end = Math.min(events, CHUNK); ; end = Math.min(events, end + CHUNK)) {
    for (;;) {
      const r = gp.generate(pc, 1, CHUNK, end);
      pc = r.next;
      const b = r.batch;
      if (b.length === 0) break;
      const ids = b.columns[0]!.values as Float64Array;
      const names = b.columns[1]!.values as string[];
      const cities = b.columns[2]!.values as string[];
      const states = b.columns[3]!.values as string[];
      for (let i = 0; i < b.length; i++) {
        const st = states[i]!;
        if (st !== 'OR' && st !== 'ID' && st !== 'CA') continue;
        const id = ids[i]!;
        const row = pName.length;
        pName.push(names[i]!);
        pCity.push(cities[i]!);
        pState.push(st);
        personRow.set(id, row);
        for (let a = bySeller.head.get(id); a >= 0; a = bySeller.next[a]!) {
          out++;
          check += aId[a]! + pName[row]!.length;
        }
      }
    }
    for (;;) {
      const r = ga.generate(ac, 1, CHUNK, end);
      ac = r.next;
      const b = r.batch;
      if (b.length === 0) break;
      const ids = b.columns[0]!.values as Float64Array;
      const sellers = b.columns[2]!.values as Float64Array;
      const cats = b.columns[3]!.values as Float64Array;
      for (let i = 0; i < b.length; i++) {
        if (cats[i] !== 10) continue;
        const seller = sellers[i]!;
        aId = growF64(aId, nA);
        aId[nA] = ids[i]!;
        bySeller.add(seller, nA);
        nA++;
        const p = personRow.get(seller);
        if (p >= 0) {
          out++;
          check += ids[i]! + pName[p]!.length;
        }
      }
    }
    if (end >= events) break;
  }
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: out };
}

/**
 * q7: the highest price of each 10-second tumbling window joined back with the bids of that
 * price whose time is in [window_end - 10s, window_end]. Every bid is stored (auction,
 * bidder, price, time, extra), chained by price; a window fires when the watermark (highest
 * time - 4 s, as the query's WATERMARK) passes its end, then probes the bids and is stored
 * for later bids to probe (a regular join, like weir's plan).
 */
function loopQ7(events: number): Measurement {
  const t0 = performance.now();
  const g = new NexmarkGenerator(config(events), 'bid', ['auction', 'bidder', 'price', 'date_time', 'extra']);
  const SIZE = 10_000;
  let bAuction: Float64Array = new Float64Array(1 << 16);
  let bBidder: Float64Array = new Float64Array(1 << 16);
  let bTime: Float64Array = new Float64Array(1 << 16);
  const bExtra: string[] = [];
  const byPrice = new Chains();
  let nB = 0;
  // fired windows: maxprice -> window ends (rarely more than one)
  const windowsByPrice = new Map<number, number[]>();
  let winStart = -Infinity;
  let winMax = -Infinity;
  let maxTs = -Infinity;
  // closed windows waiting for the watermark: (end, max) pairs
  const pendingEnds: number[] = [];
  let pendingAt = 0;
  let out = 0;
  let check = 0;
  const fire = (end: number, price: number): void => {
    let ends = windowsByPrice.get(price);
    if (ends === undefined) windowsByPrice.set(price, (ends = []));
    ends.push(end);
    for (let b = byPrice.head.get(price); b >= 0; b = byPrice.next[b]!) {
      const t = bTime[b]!;
      if (t >= end - SIZE && t <= end) {
        out++;
        check += bAuction[b]! + bBidder[b]! + bExtra[b]!.length;
      }
    }
  };
  let cursor = 0;
  for (;;) {
    const r = g.generate(cursor, 1, CHUNK);
    cursor = r.next;
    const b = r.batch;
    if (b.length === 0) break;
    const auctions = b.columns[0]!.values as Float64Array;
    const bidders = b.columns[1]!.values as Float64Array;
    const prices = b.columns[2]!.values as Float64Array;
    const times = b.columns[3]!.values as Float64Array;
    const extras = b.columns[4]!.values as string[];
    for (let i = 0; i < b.length; i++) {
      const ts = times[i]!;
      const price = prices[i]!;
      // the window aggregate (bids arrive in time order from one generator)
      const ws = ts - (ts % SIZE);
      if (ws !== winStart) {
        if (winStart !== -Infinity) pendingEnds.push(winStart + SIZE, winMax);
        winStart = ws;
        winMax = price;
      } else if (price > winMax) winMax = price;
      if (ts > maxTs) maxTs = ts;
      // fire the windows the watermark has passed
      while (pendingEnds.length > pendingAt && pendingEnds[pendingAt]! - 1 <= maxTs - 4000) {
        fire(pendingEnds[pendingAt]!, pendingEnds[pendingAt + 1]!);
        pendingAt += 2;
      }
      // the bid probes the fired windows, then is stored
      const ends = windowsByPrice.get(price);
      if (ends !== undefined) {
        for (const end of ends) {
          if (ts >= end - SIZE && ts <= end) {
            out++;
            check += auctions[i]! + bidders[i]! + extras[i]!.length;
          }
        }
      }
      if (nB >= bTime.length) {
        bAuction = growF64(bAuction, nB);
        bBidder = growF64(bBidder, nB);
        bTime = growF64(bTime, nB);
      }
      bAuction[nB] = auctions[i]!;
      bBidder[nB] = bidders[i]!;
      bTime[nB] = ts;
      bExtra.push(extras[i]!);
      byPrice.add(price, nB);
      nB++;
    }
  }
  // end of input: the final watermark fires everything
  if (winStart !== -Infinity) pendingEnds.push(winStart + SIZE, winMax);
  for (; pendingAt < pendingEnds.length; pendingAt += 2) fire(pendingEnds[pendingAt]!, pendingEnds[pendingAt + 1]!);
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: out };
}

/**
 * q5: bid counts per auction and HOP window (2 s slide, 10 s size), the highest count of each
 * window, and the (auction, window) pairs whose count reaches it. Bids arrive in time order, so
 * at most 5 windows are open at once: a ring of 5 count tables (auction -> count) by window
 * start. Each window keeps its running max and how many auctions have it (counts only grow,
 * so an auction reaching the max is counted once per value); when a bid starts a new slide, the
 * window that ended fires (its auctions at the max are the output) and its table is reused.
 * The watermark (time - 4 s) would fire it later, which changes no result row.
 */
function loopQ5(events: number): Measurement {
  const t0 = performance.now();
  const g = new NexmarkGenerator(config(events), 'bid', ['auction', 'date_time']);
  const SLIDE = 2000;
  const N = 5; // windows per bid: size / slide
  const counts: IntMap[] = [];
  const maxN = new Float64Array(N);
  const atMax = new Float64Array(N);
  const start = new Float64Array(N).fill(NaN);
  for (let k = 0; k < N; k++) counts.push(new IntMap());
  let out = 0;
  let check = 0;
  const fire = (k: number): void => {
    out += atMax[k]!;
    check += maxN[k]!;
    counts[k] = new IntMap();
    maxN[k] = 0;
    atMax[k] = 0;
    start[k] = NaN;
  };
  let curPane = NaN;
  let cursor = 0;
  for (;;) {
    const r = g.generate(cursor, 1, CHUNK);
    cursor = r.next;
    const b = r.batch;
    if (b.length === 0) break;
    const auctions = b.columns[0]!.values as Float64Array;
    const times = b.columns[1]!.values as Float64Array;
    for (let i = 0; i < b.length; i++) {
      const ts = times[i]!;
      const pane = ts - (ts % SLIDE);
      if (pane !== curPane) {
        // windows ending at or before this pane's start are complete
        for (let k = 0; k < N; k++) if (start[k] === start[k] && start[k]! + N * SLIDE <= pane) fire(k);
        for (let s = pane - (N - 1) * SLIDE; s <= pane; s += SLIDE) {
          const k = (s / SLIDE) % N;
          if (start[k] !== s) start[k] = s;
        }
        curPane = pane;
      }
      const a = auctions[i]!;
      for (let k = 0; k < N; k++) {
        const c = counts[k]!.inc(a);
        if (c > maxN[k]!) {
          maxN[k] = c;
          atMax[k] = 1;
        } else if (c === maxN[k]) atMax[k]!++;
      }
    }
  }
  for (let k = 0; k < N; k++) if (start[k] === start[k]) fire(k);
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: out };
}

/**
 * q8: per 10 s tumbling window, the distinct (id, name) of the persons and the distinct sellers
 * of the auctions, joined on id = seller and the window. Per open window a table of person ids
 * and one of sellers; a new person probes the sellers, a new seller (first auction of that
 * seller in the window) probes the persons. Both generators advance chunk by chunk (as q3's
 * loop); a window is dropped once both inputs have passed its end.
 */
function loopQ8(events: number): Measurement {
  const t0 = performance.now();
  const cfg = config(events);
  const SIZE = 10_000;
  const gp = new NexmarkGenerator(cfg, 'person', ['id', 'name', 'date_time']);
  const ga = new NexmarkGenerator(cfg, 'auction', ['seller', 'date_time']);
  interface Win {
    readonly persons: IntMap;
    readonly sellers: IntMap;
  }
  const wins = new Map<number, Win>();
  const win = (ws: number): Win => {
    let w = wins.get(ws);
    if (w === undefined) wins.set(ws, (w = { persons: new IntMap(), sellers: new IntMap() }));
    return w;
  };
  let out = 0;
  let check = 0;
  let pc = 0;
  let ac = 0;
  let pTs = -Infinity;
  let aTs = -Infinity;
  for (let end = Math.min(events, CHUNK); ; end = Math.min(events, end + CHUNK)) {
    for (;;) {
      const r = gp.generate(pc, 1, CHUNK, end);
      pc = r.next;
      const b = r.batch;
      if (b.length === 0) break;
      const ids = b.columns[0]!.values as Float64Array;
      const names = b.columns[1]!.values as string[];
      const times = b.columns[2]!.values as Float64Array;
      for (let i = 0; i < b.length; i++) {
        const ts = times[i]!;
        pTs = ts;
        const w = win(ts - (ts % SIZE));
        const id = ids[i]!;
        if (w.persons.get(id) >= 0) continue; // GROUP BY id, name: ids are unique
        w.persons.set(id, 1);
        if (w.sellers.get(id) >= 0) {
          out++;
          check += id + names[i]!.length;
        }
      }
    }
    for (;;) {
      const r = ga.generate(ac, 1, CHUNK, end);
      ac = r.next;
      const b = r.batch;
      if (b.length === 0) break;
      const sellers = b.columns[0]!.values as Float64Array;
      const times = b.columns[1]!.values as Float64Array;
      for (let i = 0; i < b.length; i++) {
        const ts = times[i]!;
        aTs = ts;
        const w = win(ts - (ts % SIZE));
        const s = sellers[i]!;
        if (w.sellers.get(s) >= 0) continue;
        w.sellers.set(s, 1);
        if (w.persons.get(s) >= 0) {
          out++;
          check += s;
        }
      }
    }
    const done = Math.min(pTs, aTs);
    for (const ws of wins.keys()) if (ws + SIZE <= done) wins.delete(ws);
    if (end >= events) break;
  }
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: out };
}

/** Generating a loop's columns alone, for scale. */
export function generateOnly(events: number, tables: readonly [NexmarkTable, readonly string[]][]): Measurement {
  const t0 = performance.now();
  let rows = 0;
  for (const [table, cols] of tables) {
    const g = new NexmarkGenerator(config(events), table, cols);
    for (let cursor = 0; ; ) {
      const r = g.generate(cursor, 1, CHUNK);
      cursor = r.next;
      if (r.batch.length === 0) break;
      rows += r.batch.length;
    }
  }
  return { seconds: (performance.now() - t0) / 1000, resultRows: rows };
}

const GENERATED: Record<string, readonly [NexmarkTable, readonly string[]][]> = {
  q3: [
    ['person', ['id', 'name', 'city', 'state', 'date_time']],
    ['auction', ['id', 'date_time', 'seller', 'category']],
  ],
  q7: [['bid', ['auction', 'bidder', 'price', 'date_time', 'extra']]],
  q5: [['bid', ['auction', 'date_time']]],
  q8: [
    ['person', ['id', 'name', 'date_time']],
    ['auction', ['seller', 'date_time']],
  ],
};

const JOIN_EVENTS = Number(process.env.WEIR_BENCH_JOIN_EVENTS ?? 10_000_000);
const Q7_EVENTS = Number(process.env.WEIR_BENCH_Q7_EVENTS ?? JOIN_EVENTS);

/** The join queries benchmarked: q3 and q7 (regular joins), q5 and q8 (window joins). */
export const JOIN_CASES: readonly JoinCase[] = [
  {
    name: 'Nexmark q3: auction ⋈ person (category 10, sellers in OR/ID/CA)',
    file: 'queries/nexmark/q3.sql',
    events: JOIN_EVENTS,
    duckTables: [
      { name: 'person_events', table: 'person', columns: [['id', 'BIGINT'], ['name', 'STRING'], ['city', 'STRING'], ['state', 'STRING']] },
      { name: 'auction_events', table: 'auction', columns: [['id', 'BIGINT'], ['seller', 'BIGINT'], ['category', 'BIGINT']] },
    ],
    duck: `SELECT p.name, p.city, p.state, a.id FROM auction_events a JOIN person_events p ON a.seller = p.id
      WHERE a.category = 10 AND p.state IN ('OR', 'ID', 'CA')`,
    loop: loopQ3,
  },
  {
    name: 'Nexmark q7: bid ⋈ tumbling-window MAX(price) (price, time range)',
    file: 'queries/nexmark/q7.sql',
    events: Q7_EVENTS,
    duckTables: [
      { name: 'bid_events', table: 'bid', columns: [['auction', 'BIGINT'], ['bidder', 'BIGINT'], ['price', 'BIGINT'], ['date_time', 'TIMESTAMP(3)'], ['extra', 'STRING']] },
    ],
    duck: `WITH w AS (SELECT max(price) AS maxprice, epoch_ms(date_time) // 10000 * 10000 + 10000 AS we FROM bid_events GROUP BY 2)
      SELECT b.auction, b.price, b.bidder, b.date_time, b.extra FROM bid_events b JOIN w ON b.price = w.maxprice
      WHERE epoch_ms(b.date_time) BETWEEN w.we - 10000 AND w.we`,
    loop: loopQ7,
  },
  {
    name: 'Nexmark q5: HOP(2 s, 10 s) bid count per auction ⋈ max count per window (window join)',
    file: 'queries/nexmark/q5.sql',
    events: JOIN_EVENTS,
    duckTables: [{ name: 'bid_events', table: 'bid', columns: [['auction', 'BIGINT'], ['date_time', 'TIMESTAMP(3)']] }],
    duck: `WITH b AS (SELECT auction, epoch_ms(date_time) AS t FROM bid_events),
      h AS (SELECT auction, unnest(range(t - t % 2000 - 8000, t - t % 2000 + 2000, 2000)) AS ws FROM b),
      c AS (SELECT auction, ws, count(*) AS num FROM h GROUP BY auction, ws),
      m AS (SELECT ws, max(num) AS maxn FROM c GROUP BY ws)
      SELECT c.auction, c.num FROM c JOIN m ON c.ws = m.ws AND c.num >= m.maxn`,
    loop: loopQ5,
  },
  {
    name: 'Nexmark q8: persons ⋈ sellers per 10 s tumbling window (window join)',
    file: 'queries/nexmark/q8.sql',
    events: JOIN_EVENTS,
    duckTables: [
      { name: 'person_events', table: 'person', columns: [['id', 'BIGINT'], ['name', 'STRING'], ['date_time', 'TIMESTAMP(3)']] },
      { name: 'auction_events', table: 'auction', columns: [['seller', 'BIGINT'], ['date_time', 'TIMESTAMP(3)']] },
    ],
    duck: `WITH p AS (SELECT DISTINCT id, name, epoch_ms(date_time) // 10000 AS w FROM person_events),
      a AS (SELECT DISTINCT seller, epoch_ms(date_time) // 10000 AS w FROM auction_events)
      SELECT p.id, p.name, p.w FROM p JOIN a ON p.id = a.seller AND p.w = a.w`,
    loop: loopQ8,
  },
];

/** Each case at parallelism 1 (with the loop and DuckDB) and at 2; best of `repeat`. */
export async function measureJoins(repeat: number, cases: readonly JoinCase[] = JOIN_CASES): Promise<JoinResult[]> {
  const results: JoinResult[] = [];
  // WEIR_BENCH_JOINS=q3,q7 picks cases by their file's query name
  const only = process.env.WEIR_BENCH_JOINS?.split(',');
  for (const c of cases) {
    if (only !== undefined && !only.includes(/q\d+/.exec(c.file)![0])) continue;
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await loadDuck(conn, c);
    const w: Measurement[] = [];
    const l: Measurement[] = [];
    const d: Measurement[] = [];
    const g: Measurement[] = [];
    const key = /q\d+/.exec(c.file)![0];
    for (let i = 0; i < repeat; i++) {
      w.push(await runWeirFile(c, 1));
      l.push(c.loop(c.events));
      d.push(await runDuck(conn, c.duck));
      if (GENERATED[key] !== undefined) g.push(generateOnly(c.events, GENERATED[key]));
    }
    const one: JoinResult = { c, parallelism: 1, weir: best(w), loop: best(l), duck: best(d), generateOnly: g.length > 0 ? best(g) : { seconds: NaN, resultRows: 0 } };
    const sizes = [one.weir.resultRows, one.loop.resultRows, one.duck.resultRows];
    if (new Set(sizes).size !== 1) throw new Error(`${c.name}: result sizes differ (weir ${sizes[0]}, loop ${sizes[1]}, DuckDB ${sizes[2]})`);
    results.push(one);
    const w2: Measurement[] = [];
    for (let i = 0; i < repeat; i++) w2.push(await runWeirFile(c, 2));
    const two = best(w2);
    if (two.resultRows !== one.weir.resultRows) throw new Error(`${c.name}: parallelism 2 gives ${two.resultRows} rows, parallelism 1 ${one.weir.resultRows}`);
    results.push({ ...one, weir: two, parallelism: 2 });
    conn.closeSync();
  }
  return results;
}

// ---------------------------------------------------------------------------------------
// the join state's bytes per stored row

export interface StateBytes {
  readonly name: string;
  readonly rows: number;
  /** Heap (JS heap + array buffers) after filling the state minus before, per row. */
  readonly heapPerRow: number;
  /** The operator's checkpoint payload (msgpackr), per row. */
  readonly snapshotPerRow: number;
}


const NO_OUTPUT: Collector = {
  emit: () => {
    throw new Error('the state fill should emit nothing');
  },
} as unknown as Collector;

/**
 * Fills one side of a RegularJoinOperator with `rows` generated rows (the other side empty,
 * so nothing is emitted) and measures the heap it holds. The batches are generated first and
 * kept alive across both measurements, so only the operator's own structures are counted
 * (strings are shared with the batches, as they are in a running job: the heap figure counts
 * the references, the snapshot figure the characters).
 */
async function stateBytes(name: string, table: NexmarkTable, columns: readonly string[], types: readonly DataType[], key: number, rows: number): Promise<StateBytes> {
  const g = new NexmarkGenerator(config(Infinity), table, columns);
  const batches: Batch[] = [];
  for (let cursor = 0, n = 0; n < rows; ) {
    const r = g.generate(cursor, 1, Math.min(4096, rows - n));
    cursor = r.next;
    batches.push(r.batch);
    n += r.batch.length;
  }
  const spec: JoinOperatorSpec = {
    joinType: 'inner',
    strategy: { kind: 'regular' },
    leftKeys: [key],
    rightKeys: [0],
    nullSafe: [false],
    condition: undefined,
    leftUpdating: false,
    rightUpdating: false,
  };
  const rightTypes = [types[key]!];
  const before = heapAfterGc();
  const op = new RegularJoinOperator(spec, types, rightTypes, [...types, ...rightTypes], 4096);
  const ctx = { operatorId: 'bench', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 } } as unknown as OperatorContext;
  op.open(ctx);
  for (const b of batches) op.processBatch(b, NO_OUTPUT, 0);
  const after = heapAfterGc();
  if (op.stateRows !== rows) throw new Error(`state holds ${op.stateRows} rows, expected ${rows}`);
  const snap = encodeSnapshotParts(op.snapshot());
  const result = { name, rows, heapPerRow: (after - before) / rows, snapshotPerRow: snap.bytes / rows };
  batches.length = 0;
  return result;
}

export async function measureStateBytes(rows = 1_000_000): Promise<StateBytes[]> {
  return [
    await stateBytes('q7 bid side: auction, bidder, price, date_time BIGINT/TIMESTAMP + extra STRING (key price)', 'bid', ['auction', 'bidder', 'price', 'date_time', 'extra'], [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.STRING], 2, rows),
    await stateBytes('q3 auction side: id, seller, category BIGINT (key seller)', 'auction', ['id', 'seller', 'category'], [T.BIGINT, T.BIGINT, T.BIGINT], 1, rows),
  ];
}

// ---------------------------------------------------------------------------------------
// report

export function joinReport(results: readonly JoinResult[], state: readonly StateBytes[]): string {
  const lines = [
    `| query | events | parallelism | result rows | weir events/s | hand loop events/s | DuckDB events/s | generator alone events/s | weir / loop | weir / DuckDB |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...results.map(
      (r) =>
        `| ${r.c.name} | ${r.c.events.toLocaleString()} | ${r.parallelism} | ${r.weir.resultRows.toLocaleString()} | ${eps(r.c.events, r.weir)} | ${eps(r.c.events, r.loop)} | ${eps(r.c.events, r.duck)} | ${Number.isNaN(r.generateOnly.seconds) ? '-' : eps(r.c.events, r.generateOnly)} | ${(r.loop.seconds / r.weir.seconds).toFixed(2)} | ${(r.duck.seconds / r.weir.seconds).toFixed(2)} |`,
    ),
    ``,
    `Join state per stored row (one side of a RegularJoinOperator filled with generated rows, the other empty):`,
    ``,
    `| state | rows | heap bytes per row | checkpoint bytes per row |`,
    `| --- | --- | --- | --- |`,
    ...state.map((s) => `| ${s.name} | ${s.rows.toLocaleString()} | ${s.heapPerRow.toFixed(0)} | ${s.snapshotPerRow.toFixed(0)} |`),
  ];
  return lines.join('\n');
}
