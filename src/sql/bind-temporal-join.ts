// Event-time temporal joins: `FROM l JOIN r FOR SYSTEM_TIME AS OF l.ts ON l.k = r.k`.

import { notSupported } from '../common/errors.js';
import type { LogicalPlan } from '../plan/logical.js';
import type * as ast from './ast.js';
import type { Binder } from './binder.js';

/** Binds a temporal join against a versioned table (`right` carries FOR SYSTEM_TIME AS OF). */
export function bindTemporalJoin(binder: Binder, join: ast.Join, left: LogicalPlan, right: ast.TableRef): LogicalPlan {
  void binder;
  void join;
  void left;
  throw notSupported('FOR SYSTEM_TIME AS OF (temporal and lookup joins)', right.span);
}
