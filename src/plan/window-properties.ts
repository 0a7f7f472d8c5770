// Window properties of a relation (Flink's RelWindowProperties): which output columns hold the
// bounds of the window each row belongs to, and which window. A relation is windowed when it is
// - a window TVF used without aggregation (TUMBLE, HOP, CUMULATE; not SESSION, whose windows
//   are not known until they close): its window_start, window_end and window_time;
// - a window aggregation: the window_start, window_end and window_time it outputs;
// - a window join: the window columns of each side that is never padded with NULLs;
// - any of these under filters and projections that pass the window columns through as plain
//   column references (a computed or cast window column is an ordinary value).
// Window joins (join-window.ts) and window aggregations over windowed rows (window-rewrite.ts)
// are recognised from them.

import type { LogicalPlan, WindowSpec } from './logical.js';

/** Which columns of a relation hold window bounds, and of which window. */
export interface WindowProperties {
  readonly window: WindowSpec;
  readonly starts: ReadonlySet<number>;
  readonly ends: ReadonlySet<number>;
  readonly times: ReadonlySet<number>;
}

function lastThree(window: WindowSpec, width: number): WindowProperties {
  return { window, starts: new Set([width - 3]), ends: new Set([width - 2]), times: new Set([width - 1]) };
}

/** The window columns of a plan's output, or undefined when it is not windowed. */
export function windowProperties(p: LogicalPlan): WindowProperties | undefined {
  switch (p.kind) {
    case 'window-tvf':
      return p.window.kind === 'session' ? undefined : lastThree(p.window, p.schema.length);
    case 'window-aggregate':
      return lastThree(p.window, p.schema.length);
    case 'filter':
    case 'correlate':
      return windowProperties(p.input);
    case 'project': {
      const inner = windowProperties(p.input);
      if (inner === undefined) return undefined;
      const map = (cols: ReadonlySet<number>): Set<number> => {
        const out = new Set<number>();
        p.exprs.forEach((e, i) => {
          if (e.kind === 'input' && cols.has(e.index)) out.add(i);
        });
        return out;
      };
      return { window: inner.window, starts: map(inner.starts), ends: map(inner.ends), times: map(inner.times) };
    }
    case 'join': {
      if (p.strategy.kind !== 'window') return undefined;
      const l = windowProperties(p.left);
      const r = windowProperties(p.right);
      if (l === undefined || r === undefined) return undefined;
      const keepLeft = p.joinType !== 'right' && p.joinType !== 'full';
      const keepRight = p.joinType === 'inner' || p.joinType === 'left';
      const nl = p.left.schema.length;
      const both = (a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> => {
        const out = new Set<number>(keepLeft ? a : []);
        if (keepRight) for (const i of b) out.add(nl + i);
        return out;
      };
      return { window: l.window, starts: both(l.starts, r.starts), ends: both(l.ends, r.ends), times: both(l.times, r.times) };
    }
    default:
      return undefined;
  }
}

