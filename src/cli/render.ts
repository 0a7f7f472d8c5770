// Small tables (SHOW, DESCRIBE, SET) through cli-table3, required on first use: it and the
// terminal-width libraries under it cost start-up time that a plain query does not need.

import { createRequire } from 'node:module';
import type TableType from 'cli-table3';

let Table: typeof TableType | undefined;

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  Table ??= createRequire(import.meta.url)('cli-table3') as typeof TableType;
  const t = new Table({ head: [...header], style: { head: [], border: [] } });
  for (const r of rows) t.push([...r]);
  return `${t.toString()}\n${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
}
