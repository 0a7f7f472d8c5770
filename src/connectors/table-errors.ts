// Errors about a table's connector options point at the option in CREATE TABLE ... WITH (...)
// when there is one to point at, and at the whole statement otherwise.

import type { Span } from '../common/errors.js';
import { WeirError } from '../common/errors.js';
import type { TableDef } from '../catalog/catalog.js';

/** An invalid option value found by code that does not know the table (the nexmark config parser). */
export class OptionValueError extends WeirError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('plan', message);
  }
}

/** The span of `key = value` in the table's WITH clause, or of the whole CREATE TABLE. */
export function optionSpan(table: TableDef, key: string | undefined): Span {
  return (key === undefined ? undefined : table.optionSpans?.get(key)) ?? table.span;
}

/**
 * A plan error about `table`. Without `key`, the first quoted option name in the message (as
 * in "'path' must be ...") is the one pointed at.
 */
export function tableError(table: TableDef, message: string, hint?: string, key?: string): WeirError {
  let k = key;
  if (k === undefined) {
    for (const m of message.matchAll(/'([^']+)'/g)) {
      if (table.options.has(m[1]!)) {
        k = m[1]!;
        break;
      }
    }
  }
  return new WeirError('plan', message, { hint, span: optionSpan(table, k), source: table.source });
}

/** Gives an OptionValueError the table's name and the option's position. */
export function withTable(table: TableDef, e: unknown): unknown {
  if (!(e instanceof OptionValueError)) return e;
  return new WeirError('plan', `table ${table.name}: ${e.message}`, { span: optionSpan(table, e.option), source: table.source });
}
