// The scalar function registry: every function and operator the dialect knows, with its
// type rule and its batch kernel. The binder asks `resolve` for a call's result type and the
// argument types to coerce to; the compiler asks `kernel` once per query.

import type { Scalar } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import type { Kernel } from './kernels.js';

export interface Signature {
  /** Types the arguments are cast to before the kernel sees them. */
  readonly args: readonly DataType[];
  readonly ret: DataType;
}

export interface ScalarFunction {
  /** Registry name, lower case (`add`, `upper`, `date_format`). */
  readonly name: string;
  /** SQL spellings that call it (upper case); empty for operator-only functions. */
  readonly sqlNames: readonly string[];
  /** Short description for `SHOW FUNCTIONS` and completion. */
  readonly doc: string;
  /** The signature for these argument types, or a message saying what is accepted. */
  resolve(args: readonly DataType[]): Signature | string;
  /**
   * Builds the kernel. `consts[i]` holds argument i's value when it is a constant (patterns,
   * regular expressions, formats are compiled here, once), otherwise undefined.
   */
  kernel(sig: Signature, consts: readonly (Scalar | undefined)[]): Kernel;
  /**
   * The kernel handles BIGINT columns in the wide form (common/int64.ts). Without it, a wide
   * argument column fails the query with a clear error (expr/compile.ts), never a rounded value.
   * `'as-double'`: the function computes in doubles (SQRT, POWER...), and a wide BIGINT
   * argument is passed as the nearest double, as Java widens a long to double.
   */
  readonly wideInts?: boolean | 'as-double';
  /** Nondeterministic functions (PROCTIME, CURRENT_TIMESTAMP) cannot be verified in batch. */
  readonly deterministic?: boolean;
}

const byName = new Map<string, ScalarFunction>();
const bySql = new Map<string, ScalarFunction>();

export function registerFunction(f: ScalarFunction): void {
  if (byName.has(f.name)) throw new Error(`duplicate function ${f.name}`);
  byName.set(f.name, f);
  for (const s of f.sqlNames) bySql.set(s, f);
}

/** Finds user-defined functions (`udf:` keys, src/expr/udf.ts), which are loaded at run time. */
let userFunctions: ((key: string) => ScalarFunction | undefined) | undefined;

export function setUserFunctionResolver(resolve: (key: string) => ScalarFunction | undefined): void {
  userFunctions = resolve;
}

export function functionByName(name: string): ScalarFunction | undefined {
  if (name.startsWith('udf:')) return userFunctions?.(name);
  return byName.get(name);
}

export function functionBySqlName(upper: string): ScalarFunction | undefined {
  return bySql.get(upper);
}

export function sqlFunctionNames(): string[] {
  return [...bySql.keys()];
}

export function allFunctions(): ScalarFunction[] {
  return [...byName.values()];
}
