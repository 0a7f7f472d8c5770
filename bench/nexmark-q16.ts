// Nexmark q16 (queries/nexmark/q16.sql: per (channel, day) the latest HH:mm, three counts of
// bids and nine of distinct bidders and auctions, each by price rank) as a hand-written
// JavaScript loop, for the Nexmark suite's "hand loop" column (bench/nexmark-suite.ts).
// `node dist/bench/nexmark-q16.js <events>` runs it alone and prints one JSON line.
//
// Same generated bids as weir's nexmark source at p1 (the generator, batches of 4,096 bids),
// the same per-group state, and the same changelog as weir without mini-batch: per batch one
// +I for a new group and one -U/+U pair for a group whose row changed, nothing for an unchanged
// one (counted, and folded into a checksum). State in typed arrays:
// - a group per (channel, day): channel name -> id (Map), day * 2^20 + id -> slot (IntMap);
// - per slot its 4 counts of bids, 8 distinct counts, the latest minute of the day;
// - the distinct sets: (slot, bidder) and (slot, auction) -> a mask of the price ranks it was
//   seen in (IntMap), so one probe per bid and column gives total and per-rank distinct counts;
// - the row last emitted per group (13 numbers), to find the changed groups of a batch.

import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import type { Measurement } from './common.js';
import { config } from './common.js';
import { IntMap, growF64 } from './nexmark-joins.js';

export interface Q16Measurement extends Measurement {
  /** Changelog rows (+I, -U, +U). */
  readonly changelog: number;
}

/** Values per group: total, rank1..3 bids; distinct bidders (total, rank1..3); distinct auctions (total, rank1..3); latest minute. */
const W = 13;
const DAY_MS = 86_400_000;
/** (slot, id) keys: slot * 2^ID_BITS + id. */
const ID_BITS = 2 ** 26;

/**
 * (slot, id) -> a mask of price ranks (0: absent), open addressing with linear probing; the
 * hash mixes both halves of the key and takes the product's high bits (bench/nexmark-joins.ts's
 * IntMap keeps the low bits, which for these keys are the id's alone: long probe runs).
 */
class MaskMap {
  keys: Float64Array = new Float64Array(1 << 16);
  masks: Uint8Array = new Uint8Array(1 << 16);
  private shift = 16;
  private size = 0;
  /** The cell of `k`: its own, or the empty one where it goes (then call added()). */
  cell(k: number): number {
    const lo = k | 0;
    const hi = (k / 4294967296) | 0;
    const mask = this.keys.length - 1;
    let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.shift);
    while (this.masks[h] !== 0 && this.keys[h] !== k) h = (h + 1) & mask;
    this.keys[h] = k;
    return h;
  }
  /** The key just placed by cell() was new, its mask set: grows the table at half full. */
  added(): void {
    if (++this.size * 2 <= this.keys.length) return;
    const ok = this.keys;
    const om = this.masks;
    this.keys = new Float64Array(ok.length * 2);
    this.masks = new Uint8Array(om.length * 2);
    this.shift++;
    for (let i = 0; i < ok.length; i++) if (om[i] !== 0) this.masks[this.cell(ok[i]!)] = om[i]!;
  }
}

/** A bid's id of price rank `rank` in its group's set: the group's distinct counts at cur[at] (total) and cur[at + rank] go up when new. */
function see(map: MaskMap, key: number, rank: number, cur: Float64Array, at: number): void {
  const c = map.cell(key);
  const old = map.masks[c]!;
  const bit = 1 << rank;
  if ((old & bit) !== 0) return;
  map.masks[c] = old | bit;
  cur[at + rank]!++;
  if (old === 0) {
    cur[at]!++;
    map.added();
  }
}

export function loopQ16(events: number, batchRows = 4096): Q16Measurement {
  const t0 = performance.now();
  const g = new NexmarkGenerator(config(events), 'bid', ['auction', 'bidder', 'price', 'channel', 'date_time']);
  const channelId = new Map<string, number>();
  const slotOf = new IntMap();
  const bidderMask = new MaskMap();
  const auctionMask = new MaskMap();
  let cur: Float64Array = new Float64Array(W * 1024);
  let last: Float64Array = new Float64Array(W * 1024);
  let stamp = new Int32Array(1024);
  let touched = new Int32Array(batchRows);
  let slots = 0;
  let changelog = 0;
  let check = 0;
  let epoch = 0;
  for (let cursor = 0; ; ) {
    const r = g.generate(cursor, 1, batchRows);
    cursor = r.next;
    const b = r.batch;
    if (b.length === 0) break;
    const auctions = b.columns[0]!.values as Float64Array;
    const bidders = b.columns[1]!.values as Float64Array;
    const prices = b.columns[2]!.values as Float64Array;
    const channels = b.columns[3]!.values as string[];
    const times = b.columns[4]!.values as Float64Array;
    epoch++;
    let tc = 0;
    if (touched.length < b.length) touched = new Int32Array(b.length);
    for (let i = 0; i < b.length; i++) {
      const ch = channels[i]!;
      let c = channelId.get(ch);
      if (c === undefined) channelId.set(ch, (c = channelId.size));
      const t = times[i]!;
      const day = Math.floor(t / DAY_MS);
      // (the channel in the low bits: IntMap hashes them)
      const gk = day * 1_048_576 + c;
      let s = slotOf.get(gk);
      if (s < 0) {
        s = slots++;
        slotOf.set(gk, s);
        if ((s + 1) * W > cur.length) {
          cur = growF64(cur, (s + 1) * W);
          last = growF64(last, (s + 1) * W);
          const st = new Int32Array(cur.length / W);
          st.set(stamp);
          stamp = st;
        }
        // (stamp 0: never emitted; epochs start at 1)
        last[s * W] = -1;
      }
      if (stamp[s] !== epoch) {
        stamp[s] = epoch;
        touched[tc++] = s;
      }
      const p = prices[i]!;
      const rank = p < 10_000 ? 1 : p < 1_000_000 ? 2 : 3;
      const o = s * W;
      cur[o]!++;
      cur[o + rank]!++;
      const minute = Math.floor((t - day * DAY_MS) / 60_000);
      if (minute > cur[o + 12]!) cur[o + 12] = minute;
      const bidder = bidders[i]!;
      const auction = auctions[i]!;
      if (bidder >= ID_BITS || auction >= ID_BITS) throw new Error('q16 loop: an id past 2^26');
      see(bidderMask, s * ID_BITS + bidder, rank, cur, o + 4);
      see(auctionMask, s * ID_BITS + auction, rank, cur, o + 8);
    }
    // the batch's changelog: +I for a new group, -U/+U for a changed one
    for (let k = 0; k < tc; k++) {
      const o = touched[k]! * W;
      if (last[o] === -1) changelog++;
      else {
        let same = true;
        for (let j = 0; j < W; j++) {
          if (cur[o + j] !== last[o + j]) {
            same = false;
            break;
          }
        }
        if (same) continue;
        changelog += 2;
        check += last[o + 4]!;
      }
      for (let j = 0; j < W; j++) last[o + j] = cur[o + j]!;
      check += cur[o]! + cur[o + 8]!;
    }
  }
  if (check < 0) throw new Error('unreachable');
  return { seconds: (performance.now() - t0) / 1000, resultRows: slots, changelog };
}

if (process.argv[1]?.endsWith('nexmark-q16.js')) {
  const events = Number(process.argv[2] ?? 2_000_000);
  const c0 = process.cpuUsage();
  const m = loopQ16(events);
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ ...m, cpuSeconds: (c.user + c.system) / 1e6 }));
}
