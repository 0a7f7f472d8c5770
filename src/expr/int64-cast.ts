// CAST to and from BIGINT where a value may be beyond ±(2^53-1) (common/int64.ts). The
// conversions of values within that range are cast.ts's; this module adds:
// - STRING, DOUBLE, DECIMAL to BIGINT up to ±(2^63-1) (text exactly; a double's integer part
//   exactly, as every double beyond 2^53 is an integer); beyond that, an error (NULL for
//   TRY_CAST), as cast.ts does for other out-of-range values;
// - a wide BIGINT column to STRING (its digits), DOUBLE (the nearest double, as Java's
//   (double) cast), BOOLEAN, INT (out of range for a value beyond 2^53: an error / NULL).
//   DECIMAL(p, s) exactly (decimal.ts's castToDecimal reads the bigint; NULL when it does not fit).

import type { Column } from '../common/batch.js';
import { WeirError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { INT32_MAX, INT32_MIN, typeToString } from '../common/types.js';
import { type Int64, canonical, firstBig, packInt64, parseInt64, wideNotSupported } from '../common/int64.js';
import type { Kernel } from './kernels.js';

const TWO63 = 2 ** 63;
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/;

function castFailure(value: unknown, to: DataType): WeirError {
  const v = typeof value === 'string' ? `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'` : String(value);
  return new WeirError('execution', `cannot cast ${v} to ${typeToString(to)}`, { hint: 'use TRY_CAST to get NULL instead of an error' });
}

/** The BIGINT of an integral double, or null beyond ±2^63 / not finite. */
function fromDouble(x: number): Int64 | null {
  const t = Math.trunc(x);
  if (t >= -Number.MAX_SAFE_INTEGER && t <= Number.MAX_SAFE_INTEGER) return t + 0;
  if (t >= -TWO63 && t < TWO63) return canonical(BigInt(t));
  return null;
}

function fromText(s: string): Int64 | null {
  const t = s.trim();
  const exact = parseInt64(t);
  if (exact !== null) return exact;
  // Flink accepts decimal text for integer casts, truncating (cast.ts does the same); plain
  // digits with a fraction are truncated on the text, exactly (a wide DECIMAL's text too)
  const m = /^([+-]?\d+)\.\d*$/.exec(t);
  if (m !== null) return parseInt64(m[1]!);
  return NUMERIC_TEXT.test(t) && !/^[+-]?\d+$/.test(t) ? fromDouble(Number(t)) : null;
}

/** Wraps cast.ts's kernel for casts that involve BIGINT. */
export function int64Cast(from: DataType, to: DataType, safe: boolean, narrow: Kernel): Kernel {
  if (to.kind === 'BIGINT' && (from.kind === 'STRING' || from.kind === 'DOUBLE' || from.kind === 'DECIMAL')) {
    return (args, n): Column => {
      const a = args[0]!;
      const inNulls = a.nulls;
      let nulls: Uint8Array | null = inNulls === null ? null : inNulls.slice(0, n);
      const out = new Array<Int64>(n);
      for (let i = 0; i < n; i++) {
        out[i] = 0;
        if (inNulls !== null && inNulls[i] === 1) continue;
        const v = a.values[i] as number | string;
        const r = typeof v === 'string' ? fromText(v) : fromDouble(v);
        if (r !== null) out[i] = r;
        else if (!safe) throw castFailure(v, to);
        else {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
        }
      }
      return { type: to, values: packInt64(out, n), nulls };
    };
  }
  if (from.kind !== 'BIGINT') return narrow;
  return (args, n): Column => {
    const a = args[0]!;
    if (!Array.isArray(a.values)) return narrow(args, n);
    const v = a.values as Int64[];
    const inNulls = a.nulls;
    let nulls: Uint8Array | null = inNulls === null ? null : inNulls.slice(0, n);
    const live = (i: number): boolean => inNulls === null || inNulls[i] === 0;
    switch (to.kind) {
      case 'STRING': {
        const out = new Array<string>(n);
        for (let i = 0; i < n; i++) out[i] = live(i) ? String(v[i]) : '';
        return { type: to, values: out, nulls };
      }
      case 'DOUBLE': {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = Number(v[i]);
        return { type: to, values: out, nulls };
      }
      case 'BOOLEAN': {
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = v[i] !== 0 ? 1 : 0;
        return { type: to, values: out, nulls };
      }
      case 'INT': {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          if (!live(i)) continue;
          const x = v[i]!;
          if (typeof x === 'number' && x >= INT32_MIN && x <= INT32_MAX) out[i] = x;
          else if (!safe) throw castFailure(x, to);
          else {
            nulls ??= new Uint8Array(n);
            nulls[i] = 1;
          }
        }
        return { type: to, values: out, nulls };
      }
      case 'DECIMAL':
        return narrow(args, n); // castToDecimal reads the bigints exactly
      default:
        throw wideNotSupported(`CAST to ${typeToString(to)}`, firstBig(a, n));
    }
  };
}
