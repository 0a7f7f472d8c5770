// DuckDB translation of an event-time temporal join (see translate.ts).

import type { LogicalPlan } from '../plan/logical.js';
import { describeNode } from '../plan/logical.js';
import { TranslationError } from './translate.js';

/** SQL for a temporal join: each left row with the right version valid at its time. */
export function temporalJoinToDuckDb(p: Extract<LogicalPlan, { kind: 'join' }>, left: string, right: string): string {
  void left;
  void right;
  throw new TranslationError(describeNode(p), 'temporal joins are not translated yet');
}
