// Common sub-plan reuse through the real program: a statement set of two INSERTs over one
// table reads it once (the run summary's rows-read count), its results are the same either
// way, and EXPLAIN shows a shared sub-plan once; both options can be turned off.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-reuse-'));
const ROWS = 40;
// id, kind (a/b/c by id % 3), amount = id * 10
writeFileSync(join(dir, 'in.csv'), Array.from({ length: ROWS }, (_, i) => `${i + 1},${'abc'[(i + 1) % 3]},${(i + 1) * 10}`).join('\n') + '\n');

function statementSet(name: string): { file: string; out: string } {
  const out = join(dir, `out-${name}`);
  const file = join(dir, `${name}.sql`);
  // the two INSERTs read different columns of t (id, amount / kind, amount)
  writeFileSync(
    file,
    `CREATE TABLE t (id INT, kind STRING, amount INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.csv')}', 'format' = 'csv');
CREATE TABLE big (id INT, amount INT) WITH ('connector' = 'filesystem', 'path' = '${out}/big', 'format' = 'csv');
CREATE TABLE per_kind (kind STRING, total INT) WITH ('connector' = 'filesystem', 'path' = '${out}/kinds', 'format' = 'debezium-json');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO big SELECT id, amount FROM t WHERE amount > 300;
  INSERT INTO per_kind SELECT kind, SUM(amount) FROM t GROUP BY kind;
END;
`,
  );
  return { file, out };
}

const readDir = (d: string): string =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.') && !f.startsWith('_'))
    .sort()
    .map((f) => readFileSync(join(d, f), 'utf8'))
    .join('');

/** The final per-kind totals from the debezium-json changelog. */
function totals(d: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of readDir(d).split('\n').filter((l) => l !== '')) {
    const r = JSON.parse(line) as { after: { kind: string; total: number } | null; before: { kind: string } | null };
    if (r.after !== null) m.set(r.after.kind, r.after.total);
    else if (r.before !== null) m.delete(r.before.kind);
  }
  return m;
}

// independently: ids 31..40 have amount > 300; kind of id is 'abc'[id % 3]
const BIG = Array.from({ length: 10 }, (_, i) => `${31 + i},${(31 + i) * 10}`).join('\n') + '\n';
const TOTALS = new Map<string, number>();
for (let id = 1; id <= ROWS; id++) TOTALS.set('abc'[id % 3]!, (TOTALS.get('abc'[id % 3]!) ?? 0) + id * 10);

describe('a statement set over one table', () => {
  it('reads the table once by default, with the same results', async () => {
    const { file, out } = statementSet('shared');
    const r = await weir(['run', file, '--checkpoint-dir', join(dir, 'chk-shared')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`\\b${ROWS} rows read`));
    expect(readDir(join(out, 'big'))).toBe(BIG);
    expect(totals(join(out, 'kinds'))).toEqual(TOTALS);
  });

  it("reads it once per INSERT with 'table.optimizer.reuse-source-enabled' = 'false'", async () => {
    const { file, out } = statementSet('unshared');
    const r = await weir(['run', file, '--checkpoint-dir', join(dir, 'chk-unshared'), '--set', 'table.optimizer.reuse-source-enabled=false']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`\\b${2 * ROWS} rows read`));
    expect(readDir(join(out, 'big'))).toBe(BIG);
    expect(totals(join(out, 'kinds'))).toEqual(TOTALS);
  });

  it('EXPLAIN shows one source feeding both INSERTs', async () => {
    const { file } = statementSet('explain');
    const r = await weir(['explain', file]);
    expect(r.code, r.stderr).toBe(0);
    const physical = r.stdout.slice(r.stdout.indexOf('== Physical Plan =='));
    expect(physical.match(/Source\(table=t,/g)).toHaveLength(1);
    expect(physical).toMatch(/\[0\] Source\(table=t, connector=filesystem, read=\[id, kind, amount\]\).*reused by \[\d+, \d+\]/);
    const off = await weir(['explain', file, '--set', 'table.optimizer.reuse-source-enabled=false']);
    expect(off.stdout.slice(off.stdout.indexOf('== Physical Plan ==')).match(/Source\(table=t,/g)).toHaveLength(2);
  });
});

describe('EXPLAIN of a query with a repeated sub-plan (Nexmark q5)', () => {
  it('plans the HOP window aggregation once and marks where it is reused', async () => {
    const r = await weir(['explain', 'queries/nexmark/q5.sql']);
    expect(r.code, r.stderr).toBe(0);
    const optimized = r.stdout.slice(r.stdout.indexOf('== Optimized Logical Plan'), r.stdout.indexOf('== Physical Plan =='));
    expect(optimized).toMatch(/\[#1\] WindowAggregate\(HOP\(slide=2s, size=10s\), time=dateTime, groupBy=\[auction\], aggs=\[COUNT\(\*\)\]\)/);
    expect(optimized.match(/Reused\(reference_id=\[1\]\)/g)).toHaveLength(1);
    expect(optimized.match(/Scan\(/g)).toHaveLength(1);
    const physical = r.stdout.slice(r.stdout.indexOf('== Physical Plan =='));
    // the HOP count per auction once; the maximum per window has its own local phase
    expect(physical.match(/LocalWindowAggregate\([^\n]*groupBy=\[auction\]/g)).toHaveLength(1);
    expect(physical.match(/LocalWindowAggregate\([^\n]*groupBy=\[\]/g)).toHaveLength(1);
    expect(physical.match(/Source\(/g)).toHaveLength(1);
    expect(physical).toMatch(/GlobalWindowAggregate[^\n]*\n[^\n]*\n\[3\] Calc[^\n]*reused by \[4, 5\]/);
  });

  it("plans it twice with 'table.optimizer.reuse-sub-plan-enabled' = 'false'", async () => {
    const r = await weir(['explain', 'queries/nexmark/q5.sql', '--set', 'table.optimizer.reuse-sub-plan-enabled=false']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Reused(');
    expect(r.stdout).not.toContain('reused by');
    const physical = r.stdout.slice(r.stdout.indexOf('== Physical Plan =='));
    expect(physical.match(/LocalWindowAggregate\([^\n]*groupBy=\[auction\]/g)).toHaveLength(2);
    expect(physical.match(/Source\(/g)).toHaveLength(2);
  });

  it('refuses a value that is not a boolean', async () => {
    const r = await weir(['explain', 'queries/nexmark/q5.sql', '--set', 'table.optimizer.reuse-sub-plan-enabled=yes']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("'table.optimizer.reuse-sub-plan-enabled' must be true or false");
  });
});
