// CURRENT_WATERMARK(rowtime): the watermark of the operator evaluating the expression, NULL
// before its first watermark (Flink). The projection/filter operator (exec/operators/calc.ts)
// evaluates its batches inside `withEvaluationWatermark`; anywhere else (a join condition, a
// computed column) the function fails the query with a message rather than guess a value.
// Nondeterministic: never folded, and `weir verify` refuses it.

import { WeirError } from '../../common/errors.js';
import { T, typeToString } from '../../common/types.js';
import type { BoundExpr } from '../bound.js';
import { registerFunction } from '../registry.js';

let evaluationWatermark: number | undefined;

/** Runs `f` (a projection or filter over one batch) with `wm` as CURRENT_WATERMARK's value. */
export function withEvaluationWatermark<R>(wm: number, f: () => R): R {
  const prev = evaluationWatermark;
  evaluationWatermark = wm;
  try {
    return f();
  } finally {
    evaluationWatermark = prev;
  }
}

/** Whether any of `exprs` calls CURRENT_WATERMARK. */
export function readsWatermark(exprs: readonly BoundExpr[]): boolean {
  const walk = (e: BoundExpr): boolean => {
    switch (e.kind) {
      case 'call':
        return e.fn === 'current_watermark' || e.args.some(walk);
      case 'case':
        return e.whens.some((w) => walk(w.cond) || walk(w.then)) || walk(e.else);
      case 'cast':
        return walk(e.operand);
      default:
        return false;
    }
  };
  return exprs.some(walk);
}

registerFunction({
  name: 'current_watermark',
  sqlNames: ['CURRENT_WATERMARK'],
  doc: 'CURRENT_WATERMARK(rowtime): the current watermark of the operator, NULL before the first one',
  deterministic: false,
  resolve(args) {
    const [t] = args;
    if (args.length !== 1 || t === undefined || (t.kind !== 'TIMESTAMP' && t.kind !== 'TIMESTAMP_LTZ')) return `a rowtime attribute (TIMESTAMP or TIMESTAMP_LTZ)${t !== undefined ? `, got ${typeToString(t)}` : ''}`;
    return { args: [t], ret: t };
  },
  kernel(sig) {
    const type = sig.ret;
    return (_args, n) => {
      const wm = evaluationWatermark;
      if (wm === undefined) throw new WeirError('execution', 'CURRENT_WATERMARK(...) is supported in a SELECT list or a WHERE clause (a projection or filter), not in a join condition, an aggregate or a computed column', { permanent: true });
      const values = new Float64Array(n);
      if (wm === -Infinity || wm === Infinity) return { type, values, nulls: new Uint8Array(n).fill(1) };
      values.fill(wm);
      return { type, values, nulls: null };
    };
  },
});
