// Small tables (SHOW, DESCRIBE, SET) through cli-table3.

import Table from 'cli-table3';

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const t = new Table({ head: [...header], style: { head: [], border: [] } });
  for (const r of rows) t.push([...r]);
  return `${t.toString()}\n${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
}
