// GREATEST(v1, v2, ...) and LEAST(v1, v2, ...): the largest (smallest) of the values, of
// their common type; NULL when any value is NULL (Flink's semantics since 1.15, unlike
// DuckDB's, which skips NULLs). Strings compare by code point (their UTF-8 bytes, as Flink).

import { allocValues } from '../../common/batch.js';
import { compareStrings } from '../../common/strings.js';
import type { DataType } from '../../common/types.js';
import { T, commonType, isComposite, physicalKind, typeToString } from '../../common/types.js';
import { compareCanonical, isWideDecimal } from '../decimal.js';
import { unionNulls, type Kernel } from '../kernels.js';
import { registerFunction } from '../registry.js';

function extreme(name: string, greatest: boolean): void {
  const sql = name.toUpperCase();
  registerFunction({
    name,
    sqlNames: [sql],
    doc: `${sql}(v1, v2, ...): the ${greatest ? 'largest' : 'smallest'} value, NULL if any is NULL`,
    resolve(args) {
      if (args.length < 1) return `at least one value: ${sql}(v1, v2, ...)`;
      let t: DataType = T.NULL;
      for (const a of args) {
        const c = commonType(t, a);
        if (c === null) return `values of one type, got ${typeToString(t)} and ${typeToString(a)}`;
        t = c;
      }
      if (isComposite(t)) return `values with an order, got ${typeToString(t)}`;
      if (t.kind === 'NULL') t = T.INT;
      return { args: args.map(() => t), ret: t };
    },
    kernel(sig): Kernel {
      const t = sig.ret;
      const kind = physicalKind(t);
      const cmp: (a: never, b: never) => number = t.kind === 'STRING' ? compareStrings : isWideDecimal(t) ? compareCanonical : (a: number, b: number) => a - b;
      const better = cmp as (a: unknown, b: unknown) => number;
      return (args, n) => {
        const values = allocValues(kind, n) as unknown as { [i: number]: unknown };
        const nulls = unionNulls(args, n);
        for (let i = 0; i < n; i++) {
          if (nulls !== null && nulls[i] === 1) continue;
          let best = args[0]!.values[i];
          for (let j = 1; j < args.length; j++) {
            const v = args[j]!.values[i];
            const c = better(v, best);
            if (greatest ? c > 0 : c < 0) best = v;
          }
          values[i] = best;
        }
        return { type: t, values: values as never, nulls };
      };
    },
  });
}

extreme('greatest', true);
extreme('least', false);
