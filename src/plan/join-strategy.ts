// Which join a regular join really is. The binder builds every join as a regular one; this
// recognises the joins Flink runs with bounded state and append-only output:
// - window joins (join-window.ts): both inputs windowed the same way, joined on window_start
//   and window_end;
// - interval joins (join-interval.ts): both inputs append-only with time attributes, and the
//   condition bounds one time attribute by the other from both sides.
// A regular join keeps its inputs' rows forever (or until state TTL). Temporal joins are
// written as such (FOR SYSTEM_TIME AS OF) and built by the binder.

import type { JoinNode, LogicalPlan, Schema } from './logical.js';
import { detectIntervalJoin } from './join-interval.js';
import { detectWindowJoin } from './join-window.js';

/**
 * The join with its strategy decided. `leftSchema`/`rightSchema` are the inputs' schemas
 * before any key projection (time attributes as the inputs had them).
 */
export function chooseJoinStrategy(join: JoinNode, leftSchema: Schema, rightSchema: Schema): LogicalPlan {
  return detectWindowJoin(join, leftSchema, rightSchema) ?? detectIntervalJoin(join, leftSchema, rightSchema) ?? join;
}
