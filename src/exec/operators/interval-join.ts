// Interval join operator (see src/plan/join-strategy.ts for when a join is one).

import type { DataType } from '../../common/types.js';
import { internalError } from '../../common/errors.js';
import type { Operator } from '../operator.js';
import type { JoinOperatorSpec } from './regular-join.js';

export function createIntervalJoinOperator(spec: JoinOperatorSpec, leftTypes: readonly DataType[], rightTypes: readonly DataType[], outputTypes: readonly DataType[], batchSize: number): Operator {
  void leftTypes;
  void rightTypes;
  void outputTypes;
  void batchSize;
  throw internalError(`${spec.strategy.kind} join has no operator yet`);
}
