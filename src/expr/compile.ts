// Compiles bound expressions into batch kernels, once per query.
//
// A compiled expression is a closure tree: each node evaluates its children over the whole
// batch and then runs one tight loop over typed arrays. Literals are captured as values (no
// user text is ever spliced into generated source). CASE evaluates each branch only on the
// rows that reach it, so a branch that would fail (a CAST of bad text) on rows it does not
// select cannot fail the query.

import type { Batch, Column, Scalar } from '../common/batch.js';
import { allocValues, takeColumn } from '../common/batch.js';
import { internalError, WeirError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { physicalKind } from '../common/types.js';
import type { BoundExpr } from './bound.js';
import { referencedInputs } from './bound.js';
import { castKernel, isIdentityCast } from './cast.js';
import { constantColumn } from './kernels.js';
import { functionByName } from './registry.js';
import type { Kernel } from './kernels.js';
import { decimalToDouble, doublesToWide, isWideDecimal, wideToDoubles } from './decimal.js';
import { firstBig, wideNotSupported } from '../common/int64.js';
import './functions/index.js';

export type CompiledExpr = (batch: Batch) => Column;

export function compileExpr(e: BoundExpr): CompiledExpr {
  switch (e.kind) {
    case 'input': {
      const idx = e.index;
      return (batch) => {
        const c = batch.columns[idx];
        if (c === undefined) throw internalError(`input column ${idx} missing (batch has ${batch.columns.length})`);
        return c;
      };
    }
    case 'const':
      return compileConst(e.value, e.type);
    case 'cast': {
      const inner = compileExpr(e.operand);
      const from = e.operand.type;
      if (isIdentityCast(from, e.type)) {
        if (from.kind !== 'BIGINT' || e.type.kind === 'BIGINT') return (batch) => retype(inner(batch), e.type);
        // BIGINT -> DOUBLE/DECIMAL keeps the carried double, but a wide column must convert
        const wide = castKernel(from, e.type, e.safe);
        return (batch) => {
          const c = inner(batch);
          return Array.isArray(c.values) ? wide([c], batch.length) : retype(c, e.type);
        };
      }
      const k = castKernel(from, e.type, e.safe);
      return (batch) => k([inner(batch)], batch.length);
    }
    case 'call': {
      const fn = functionByName(e.fn);
      if (fn === undefined) throw internalError(`unknown function ${e.fn}`);
      const argTypes = e.args.map((a) => a.type);
      const sig = fn.resolve(argTypes);
      if (typeof sig === 'string') throw internalError(`function ${e.fn} rejects bound argument types: ${sig}`);
      const consts = e.args.map((a) => (a.kind === 'const' ? a.value : undefined));
      let kernel: Kernel;
      try {
        kernel = fn.kernel({ args: argTypes, ret: e.type }, consts);
      } catch (err) {
        // Constant arguments are checked here (bad regex, bad date pattern): a query error.
        throw new WeirError('bind', err instanceof Error ? err.message : String(err));
      }
      if (!DECIMAL_AWARE.has(e.fn) && (argTypes.some(isWideDecimal) || isWideDecimal(e.type))) kernel = viaDoubles(kernel, e.fn, argTypes, e.type);
      const args = e.args.map(compileExpr);
      if (fn.wideInts === 'as-double' && argTypes.some((t) => t.kind === 'BIGINT')) kernel = wideIntsAsDoubles(kernel);
      else if (fn.wideInts !== true && argTypes.some((t) => t.kind === 'BIGINT')) kernel = refuseWideInts(kernel, e.fn);
      if (args.length === 1) {
        const a0 = args[0]!;
        return (batch) => kernel([a0(batch)], batch.length);
      }
      if (args.length === 2) {
        const a0 = args[0]!;
        const a1 = args[1]!;
        return (batch) => kernel([a0(batch), a1(batch)], batch.length);
      }
      return (batch) => kernel(args.map((a) => a(batch)), batch.length);
    }
    case 'case':
      return compileCase(e);
  }
}

/** Functions that read and write wide DECIMAL columns (canonical text) themselves. */
const DECIMAL_AWARE = new Set([
  'add', 'sub', 'mul', 'div', 'neg', 'mod', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'is_distinct_from', 'is_not_distinct_from',
  'is_null', 'is_not_null', 'in_list', 'row_ctor', 'array_ctor', 'map_ctor', 'row_field', 'element_at', 'cardinality',
]);

/**
 * Runs a function that computes in doubles (ABS, ROUND, SQRT, a UDF...) on wide DECIMAL
 * arguments: they are read as doubles, exactly when the result is a DECIMAL (a value beyond 15
 * significant digits fails rather than be rounded), as Flink reads DECIMAL into DOUBLE when
 * the result is a DOUBLE. A wide DECIMAL result is written back exactly or fails.
 */
function viaDoubles(kernel: Kernel, fn: string, argTypes: readonly DataType[], ret: DataType): Kernel {
  const strict = ret.kind === 'DECIMAL';
  const what = fn.toUpperCase();
  return (args, n) => {
    const conv = args.map((c, i) => {
      if (!isWideDecimal(argTypes[i]!)) return c;
      if (strict) return wideToDoubles(c, n, what);
      return { type: c.type, values: decimalToDouble(c, n), nulls: c.nulls };
    });
    const out = kernel(conv, n);
    return isWideDecimal(ret) && out.values instanceof Float64Array ? doublesToWide(out, n, what) : out;
  };
}

/**
 * A kernel that does not handle wide BIGINT columns (common/int64.ts) refuses them with a
 * clear error instead of reading a bigint as a double (one Array.isArray per argument per batch).
 */
function refuseWideInts(kernel: Kernel, name: string): Kernel {
  return (args, n) => {
    for (const a of args) if (a.type.kind === 'BIGINT' && Array.isArray(a.values)) throw wideNotSupported(`function ${name.toUpperCase()}`, firstBig(a, n));
    return kernel(args, n);
  };
}

/**
 * A kernel that computes in doubles gets a wide BIGINT argument (common/int64.ts) as the
 * nearest doubles (Number(bigint) rounds to nearest, ties to even: Java's (double) of a long).
 * Narrow batches pass through (one Array.isArray per argument per batch).
 */
function wideIntsAsDoubles(kernel: Kernel): Kernel {
  return (args, n) => {
    let conv: Column[] | null = null;
    for (let j = 0; j < args.length; j++) {
      const a = args[j]!;
      if (a.type.kind !== 'BIGINT' || !Array.isArray(a.values)) continue;
      const v = a.values as (number | bigint)[];
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = Number(v[i]);
      conv ??= args.slice();
      conv[j] = { type: a.type, values: d, nulls: a.nulls };
    }
    return kernel(conv ?? args, n);
  };
}

function retype(c: Column, type: DataType): Column {
  return c.type === type ? c : { type, values: c.values, nulls: c.nulls };
}

function compileConst(value: Scalar, type: DataType): CompiledExpr {
  // Constant columns are immutable, so one per batch length is shared across batches.
  let cached: Column | null = null;
  let cachedN = -1;
  return (batch) => {
    const n = batch.length;
    if (n !== cachedN) {
      cached = constantColumn(type, value, n);
      cachedN = n;
    }
    return cached!;
  };
}

/** A batch holding only the given rows of the referenced columns (others left as they are, unread). */
function subsetBatch(batch: Batch, refs: readonly number[], idx: Int32Array, m: number): Batch {
  const columns = batch.columns.slice();
  for (const r of refs) columns[r] = takeColumn(batch.columns[r]!, idx, m);
  return { length: m, columns, ops: null };
}

function compileCase(e: Extract<BoundExpr, { kind: 'case' }>): CompiledExpr {
  const type = e.type;
  const kind = physicalKind(type);
  const branches = e.whens.map((w) => ({
    cond: compileExpr(w.cond),
    condRefs: [...referencedInputs(w.cond)],
    then: compileExpr(w.then),
    thenRefs: [...referencedInputs(w.then)],
  }));
  const elseExpr = compileExpr(e.else);
  const elseRefs = [...referencedInputs(e.else)];

  return (batch) => {
    const n = batch.length;
    let values = allocValues(kind, n);
    const nulls = new Uint8Array(n);
    // rows still undecided, as indices into `batch`
    let rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    let m = n;
    const scatter = (col: Column, target: Int32Array, count: number): void => {
      const v = col.values;
      const cn = col.nulls;
      // a wide BIGINT branch (common/int64.ts) makes the result wide
      if (Array.isArray(v) && values instanceof Float64Array) values = Array.from(values);
      for (let j = 0; j < count; j++) {
        const dst = target[j]!;
        if (cn !== null && cn[j] === 1) nulls[dst] = 1;
        else (values as unknown[])[dst] = v[j];
      }
    };
    for (const b of branches) {
      if (m === 0) break;
      const sub = m === n ? batch : subsetBatch(batch, b.condRefs, rows, m);
      const c = b.cond(sub);
      const cv = c.values as Uint8Array;
      const cn = c.nulls;
      const hit = new Int32Array(m);
      const miss = new Int32Array(m);
      let h = 0;
      let k = 0;
      for (let j = 0; j < m; j++) {
        if (cv[j] === 1 && (cn === null || cn[j] === 0)) hit[h++] = j;
        else miss[k++] = j;
      }
      if (h > 0) {
        // rows of `batch` that take this branch
        const target = new Int32Array(h);
        for (let j = 0; j < h; j++) target[j] = rows[hit[j]!]!;
        const thenBatch = h === n ? batch : subsetBatch(batch, b.thenRefs, target, h);
        scatter(b.then(thenBatch), target, h);
      }
      const next = new Int32Array(k);
      for (let j = 0; j < k; j++) next[j] = rows[miss[j]!]!;
      rows = next;
      m = k;
    }
    if (m > 0) {
      const elseBatch = m === n ? batch : subsetBatch(batch, elseRefs, rows, m);
      scatter(elseExpr(elseBatch), rows, m);
    }
    let anyNull = 0;
    for (let i = 0; i < n; i++) anyNull |= nulls[i]!;
    return { type, values, nulls: anyNull ? nulls : null };
  };
}

/** Evaluates a list of expressions into a new batch (a projection), keeping the changelog kinds. */
export function compileProjection(exprs: readonly BoundExpr[]): (batch: Batch) => Batch {
  const compiled = exprs.map(compileExpr);
  return (batch) => ({ length: batch.length, columns: compiled.map((c) => c(batch)), ops: batch.ops });
}

/** Evaluates a constant expression (no input references) to a value. */
export function evaluateConstant(e: BoundExpr): Scalar {
  const col = compileExpr(e)({ length: 1, columns: [], ops: null });
  if (col.nulls !== null && col.nulls[0] === 1) return null;
  const v = col.values[0]!;
  return physicalKind(col.type) === 'bool' ? v === 1 : (v as number | string);
}
