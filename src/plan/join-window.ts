// Window joins: recognised from a regular join of two windowed inputs (see join-strategy.ts).
//
// As in Flink (WindowJoinUtil), an input is windowed when its rows carry the bounds of the
// window they belong to (window-properties.ts). A join is a window join when both inputs are windowed with the same window (kind, size, slide
// or step, offset), both are append-only, and the equi-keys include an equality of the two
// sides' window_start and one of their window_end. Every other key and condition stays as it
// is. The operator then needs only the window_end column of each side: a window's rows are
// joined once, when the watermark passes window_end - 1.
//
// Output: append-only. The window_time of each side that is not null-padded stays a time
// attribute (its rows are emitted before the watermark that closes their window moves on, as a
// window aggregation's are); every other time attribute is lost, as in a regular join.

import type { Field, JoinNode, Schema, WindowSpec } from './logical.js';
import { isUpdating } from './logical.js';
import { windowProperties } from './window-properties.js';

function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The join as a window join when both inputs are windowed alike and joined on their bounds, or undefined. */
export function detectWindowJoin(join: JoinNode, leftSchema: Schema, rightSchema: Schema): JoinNode | undefined {
  void leftSchema;
  void rightSchema;
  if (join.strategy.kind !== 'regular') return undefined;
  // Flink's window join takes append-only inputs only; an updating input stays a regular join.
  if (isUpdating(join.left) || isUpdating(join.right)) return undefined;
  const lp = windowProperties(join.left);
  const rp = windowProperties(join.right);
  if (lp === undefined || rp === undefined || !sameWindow(lp.window, rp.window)) return undefined;
  // Windows over a TIMESTAMP_LTZ attribute are cut on local time: their bounds are local
  // date-times in the session zone, which the operator compares with the watermark (an
  // instant) through the zone, as the window aggregation does.
  const zone = lp.window.zone;
  let leftStart = -1;
  let rightStart = -1;
  let leftEnd = -1;
  let rightEnd = -1;
  join.leftKeys.forEach((l, i) => {
    const r = join.rightKeys[i]!;
    if (lp.starts.has(l) && rp.starts.has(r)) {
      if (leftStart < 0) {
        leftStart = l;
        rightStart = r;
      }
    } else if (lp.ends.has(l) && rp.ends.has(r) && leftEnd < 0) {
      leftEnd = l;
      rightEnd = r;
    }
  });
  if (leftStart < 0 || leftEnd < 0) return undefined;
  // window_time of a side that is never null-padded is still a time attribute
  const keepLeft = join.joinType !== 'right' && join.joinType !== 'full';
  const keepRight = join.joinType === 'inner' || join.joinType === 'left';
  const nl = join.left.schema.length;
  const schema: Field[] = join.schema.map((f, i) => {
    const time = i < nl ? keepLeft && lp.times.has(i) : keepRight && rp.times.has(i - nl);
    if (!time) return f;
    const { joinDroppedRowtime: _dropped, ...rest } = f;
    void _dropped;
    return { ...rest, rowtime: true };
  });
  // a session's start does not follow from its end: the operator keeps it among the keys
  const startFromEnd = lp.window.kind !== 'session';
  const strategy = {
    kind: 'window' as const,
    leftEnd,
    rightEnd,
    ...(startFromEnd ? { leftStart, rightStart } : {}),
    ...(zone !== undefined ? { zone } : {}),
  };
  return { ...join, strategy, schema };
}
