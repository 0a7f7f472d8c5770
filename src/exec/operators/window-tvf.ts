// A window table-valued function used without aggregation (SELECT * FROM TABLE(HOP(...))):
// each row is copied once per window it belongs to, with window_start, window_end and
// window_time (= end - 1) appended. Stateless; watermarks pass through unchanged. Over a
// TIMESTAMP_LTZ time attribute the windows are cut on local date-times (WindowSpec.zone).

import type { Batch } from '../../common/batch.js';
import { takeBatch } from '../../common/batch.js';
import type { WindowSpec } from '../../plan/logical.js';
import { T } from '../../common/types.js';
import type { TimeZoneRules } from '../../common/time-zone.js';
import { timeZoneById } from '../../common/time-zone.js';
import type { Collector, Operator } from '../operator.js';

/**
 * x mod m, in [0, m), for a window size or slide m (a positive whole number of ms). A time in
 * ms is a safe integer: then x - floor(x / m) * m is exact (the rounded quotient cannot cross
 * an integer below 2^53) and about three times as fast as `%` on doubles, which V8 leaves to
 * a C call; other values take `%`.
 */
function floorMod(x: number, m: number): number {
  if (Number.isSafeInteger(x)) return x - Math.floor(x / m) * m;
  const r = x % m;
  return r < 0 ? r + m : r;
}

export class WindowTvfOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): the input columns are gathered as they are (takeBatch). */
  readonly wideInts = true;
  /** TIMESTAMP_LTZ time attribute: windows are cut on local date-times in this zone. */
  private readonly zone: TimeZoneRules | null;
  constructor(
    private readonly window: Exclude<WindowSpec, { kind: 'session' }>,
    private readonly timeIndex: number,
  ) {
    this.zone = window.zone === undefined ? null : timeZoneById(window.zone);
  }

  processBatch(batch: Batch, out: Collector): void {
    const n = batch.length;
    const tcol = batch.columns[this.timeIndex]!;
    const tv = tcol.values as Float64Array;
    const tn = tcol.nulls;
    const idx: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const w = this.window;
    for (let i = 0; i < n; i++) {
      if (tn !== null && tn[i] === 1) continue;
      const t = this.zone === null ? tv[i]! : this.zone.toLocal(tv[i]!);
      if (w.kind === 'tumble') {
        const s = t - floorMod(t - w.offset, w.size);
        idx.push(i);
        starts.push(s);
        ends.push(s + w.size);
      } else if (w.kind === 'hop') {
        const last = t - floorMod(t - w.offset, w.slide);
        // earliest window first
        const first = last - (w.size / w.slide - 1) * w.slide;
        for (let s = first; s <= last; s += w.slide) {
          if (s + w.size <= t) continue;
          idx.push(i);
          starts.push(s);
          ends.push(s + w.size);
        }
      } else {
        const s = t - floorMod(t - w.offset, w.size);
        for (let e = s + (Math.floor((t - s) / w.step) + 1) * w.step; e <= s + w.size; e += w.step) {
          idx.push(i);
          starts.push(s);
          ends.push(e);
        }
      }
    }
    const m = idx.length;
    if (m === 0) return;
    const base = takeBatch(batch, Int32Array.from(idx), m);
    const z = this.zone;
    const time = z === null ? ends.map((e) => e - 1) : ends.map((e) => z.fromLocalLatest(e - 1));
    out.emit({
      length: m,
      columns: [
        ...base.columns,
        { type: T.TIMESTAMP, values: Float64Array.from(starts), nulls: null },
        { type: T.TIMESTAMP, values: Float64Array.from(ends), nulls: null },
        { type: z === null ? T.TIMESTAMP : T.TIMESTAMP_LTZ, values: Float64Array.from(time), nulls: null },
      ],
      ops: base.ops,
    });
  }
}
