// Bad input gets a clear error, never a crash: the query files under queries/, mutated at
// random (tokens dropped, duplicated, swapped, replaced, inserted; text cut short), are parsed,
// bound and planned at parallelism 1 and 2. Each must plan or fail with a WeirError, and
// every such error must carry the position to show the caret at.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import { prng } from '../../src/common/random.js';
import { Session } from '../../src/sql/session.js';
import type { LogicalPlan, SinkNode } from '../../src/plan/logical.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FILES = [join(ROOT, 'queries', 'quickstart.sql'), ...readdirSync(join(ROOT, 'queries', 'nexmark')).map((f) => join(ROOT, 'queries', 'nexmark', f))];
const TEXTS = FILES.map((f) => readFileSync(f, 'utf8'));
const EXTRA = [
  '(', ')', ',', ';', "'", '"', '`', '.', '*', '/', '%', '||', '::', '[', ']', '--', '/*', '$', '@', '\u00e9',
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'AS', 'NULL', 'CAST', 'INTERVAL', 'TABLE', 'DESCRIPTOR', 'OVER',
  'PARTITION', 'DISTINCT', 'FILTER', 'CASE', 'WHEN', 'END', 'HAVING', 'ORDER', 'LIMIT', 'JOIN', 'ON', 'TUMBLE',
  'HOP', 'SESSION', 'CUMULATE', 'COUNT', 'SUM', 'window_start', 'window_end', 'SECOND', 'TIMESTAMP', 'BIGINT',
  'NOT', 'IN', 'BETWEEN', 'LIKE', 'IS', 'TRUE', 'UNION', 'ALL', 'WITH', 'VALUES', 'INSERT', 'INTO', 'CREATE',
  'VIEW', 'DROP', 'SET', 'EXPLAIN', 'ROW_NUMBER()', "'1'", "''", '0', '-1', '1e400', '99999999999999999999', 'x',
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const toks = text.match(/'(?:[^']|'')*'|"[^"]*"|\w+|\s+|./gs) ?? [];
  const edits = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < edits && toks.length > 0; k++) {
    const i = Math.floor(rnd() * toks.length);
    const r = rnd();
    if (r < 0.3) toks.splice(i, 1);
    else if (r < 0.5) toks.splice(i, 0, ' ', pick(EXTRA), ' ');
    else if (r < 0.65) toks.splice(i, 0, pick(toks));
    else if (r < 0.8) {
      const j = Math.floor(rnd() * toks.length);
      [toks[i], toks[j]] = [toks[j]!, toks[i]!];
    } else if (r < 0.9) toks[i] = pick(EXTRA);
    else toks.length = i;
  }
  return toks.join('');
}

describe('mutated query files', () => {
  it('plan or fail with a positioned WeirError, never an internal error (2,000 mutants, fixed seed)', async () => {
    const rnd = prng(20261121);
    const problems: string[] = [];
    let planned = 0;
    for (let n = 0; n < 2000; n++) {
      // a minute of synchronous work on a loaded machine would starve vitest's worker RPC
      // (its 60 s "Timeout calling onTaskUpdate"): let the event loop run now and then
      if (n % 50 === 0) await new Promise((r) => setImmediate(r));
      const text = mutate(TEXTS[Math.floor(rnd() * TEXTS.length)]!, rnd);
      try {
        const s = new Session();
        const sinks: SinkNode[] = [];
        const queries: LogicalPlan[] = [];
        for (const { result } of s.executeScript({ name: 'm.sql', text })) {
          if (result.kind === 'insert') sinks.push(...result.sinks);
          if (result.kind === 'query') queries.push(result.plan);
        }
        if (sinks.length + queries.length > 0) {
          s.physicalPlan(sinks, queries, 1);
          s.physicalPlan(sinks, queries, 2);
        }
        planned++;
      } catch (e) {
        if (!(e instanceof WeirError)) problems.push(`internal error ${String(e)}\n${text}`);
        else if (e.span === undefined) problems.push(`no position: ${e.message}\n${text}`);
      }
      if (problems.length >= 3) break;
    }
    expect(problems).toEqual([]);
    // the mutations leave a fair share of valid scripts, so planning is exercised too
    expect(planned).toBeGreaterThan(200);
    // CPU-bound (about 10-25 s on idle cores): a loaded machine needs more than the default
  }, 300_000);
});
