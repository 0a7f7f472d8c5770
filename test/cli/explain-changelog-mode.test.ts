// EXPLAIN CHANGELOG_MODE: each physical node's changelog mode, as Flink prints it
// (`changelogMode=[I]`, `[I,UB,UA]`, `[I,D]`, `[I,UB,UA,D]`, sinks `[NONE]`). The declared mode
// of the node feeding the sink is checked against the kinds the real job writes to a print
// sink (`+I[...]`, `-U[...]`, `+U[...]`, `-D[...]`): never a kind outside the mode, and, where
// the data is made to produce them, every kind of the mode.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import { WeirError } from '../../src/common/errors.js';
import { weir } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-clmode-'));
writeFileSync(join(dir, 'a.csv'), '1,10\n2,20\n1,11\n3,30\n,40\n');
writeFileSync(join(dir, 'b.csv'), '1,100\n1,101\n2,200\n5,500\n');
writeFileSync(
  join(dir, 'c.json'),
  [
    '{"before": null, "after": {"k": 1, "w": 100}, "op": "c"}',
    '{"before": null, "after": {"k": 2, "w": 200}, "op": "c"}',
    '{"before": {"k": 1, "w": 100}, "after": {"k": 1, "w": 150}, "op": "u"}',
    '{"before": {"k": 2, "w": 200}, "after": null, "op": "d"}',
  ].join('\n') + '\n',
);

const DDL = `CREATE TABLE a (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/a.csv', 'format' = 'csv');
CREATE TABLE b (k BIGINT, w BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/b.csv', 'format' = 'csv');
CREATE TABLE c (k BIGINT, w BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/c.json', 'format' = 'debezium-json');
CREATE TABLE out3 (x BIGINT, y BIGINT, z BIGINT) WITH ('connector' = 'print');
CREATE TABLE out2 (x BIGINT, y BIGINT) WITH ('connector' = 'print');`;

function explain(insert: string): string {
  const s = new Session();
  const results = s.executeScript({ name: 'x.sql', text: `${DDL}\nEXPLAIN CHANGELOG_MODE ${insert};` });
  const last = results[results.length - 1]!.result;
  if (last.kind !== 'explain') throw new Error('no EXPLAIN result');
  return last.text;
}

/** The mode of the node that feeds the sink, from the physical plan's text. */
function sinkInputMode(text: string): string {
  const physical = text.slice(text.indexOf('== Physical Plan =='));
  const sink = /\] Sink\(.*<- (\d+) via .*changelogMode=\[NONE\]/.exec(physical);
  if (sink === null) throw new Error(`no sink line in\n${physical}`);
  const m = new RegExp(`^\\[${sink[1]}\\] .*changelogMode=\\[([A-Z,]+)\\]$`, 'm').exec(physical);
  if (m === null) throw new Error(`no mode for node ${sink[1]} in\n${physical}`);
  return m[1]!;
}

const KIND: Record<string, string> = { '+I': 'I', '-U': 'UB', '+U': 'UA', '-D': 'D' };

async function emittedKinds(insert: string, parallelism: number): Promise<Set<string>> {
  writeFileSync(join(dir, 'job.sql'), `${DDL}\n${insert};\n`);
  const r = await weir(['run', 'job.sql', '-q', '-p', String(parallelism), '--set', 'execution.batch-size=1', '--checkpoint-dir', join(dir, `chk-${Math.random()}`)], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const kinds = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(?:\d+> )?([+-][IUD])\[/.exec(line);
    if (m !== null) kinds.add(KIND[m[1]!]!);
  }
  return kinds;
}

const ORDER = ['I', 'UB', 'UA', 'D'];

const CASES: { name: string; insert: string; mode: string; exact: boolean }[] = [
  { name: 'inner join of append-only inputs', insert: 'INSERT INTO out3 SELECT a.k, a.v, b.w FROM a JOIN b ON a.k = b.k', mode: 'I', exact: true },
  { name: 'LEFT JOIN over an updating GROUP BY', insert: 'INSERT INTO out3 SELECT a.k, a.v, g.n FROM a LEFT JOIN (SELECT k, COUNT(*) AS n FROM b GROUP BY k) g ON a.k = g.k', mode: 'I,D', exact: true },
  { name: 'FULL JOIN of append-only inputs', insert: 'INSERT INTO out3 SELECT a.k, a.v, b.w FROM a FULL JOIN b ON a.k = b.k', mode: 'I,D', exact: true },
  { name: 'inner join with a debezium-json side forwards its kinds', insert: 'INSERT INTO out3 SELECT a.k, a.v, c.w FROM a JOIN c ON a.k = c.k', mode: 'I,UB,UA,D', exact: true },
  { name: 'GROUP BY over append-only rows', insert: 'INSERT INTO out2 SELECT k, COUNT(*) FROM a GROUP BY k', mode: 'I,UB,UA', exact: true },
  { name: 'GROUP BY over a LEFT JOIN (retracting input)', insert: 'INSERT INTO out2 SELECT a.k, COUNT(b.w) FROM a LEFT JOIN b ON a.k = b.k GROUP BY a.k', mode: 'I,UB,UA,D', exact: false },
];

describe('EXPLAIN CHANGELOG_MODE', () => {
  it('prints changelogMode=[...] on every physical node, [NONE] on the sink', () => {
    const text = explain(CASES[1]!.insert);
    const physical = text.slice(text.indexOf('== Physical Plan =='));
    expect(physical).toMatch(/\] Source\(table=a.*changelogMode=\[I\]$/m);
    // an updating GROUP BY over append-only rows runs in two phases: the local one appends
    expect(physical).toMatch(/\] LocalGroupAggregate\(.*changelogMode=\[I\]$/m);
    expect(physical).toMatch(/\] GlobalGroupAggregate\(.*changelogMode=\[I,UB,UA\]$/m);
    expect(physical).toMatch(/\] Join\(type=LEFT.*changelogMode=\[I,D\]$/m);
    expect(physical).toMatch(/\] Sink\(table=out3.*changelogMode=\[NONE\]$/m);
    // plain EXPLAIN keeps its form
    const s = new Session();
    const plain = s.executeScript({ name: 'x.sql', text: `${DDL}\nEXPLAIN ${CASES[1]!.insert};` }).at(-1)!.result;
    expect(plain.kind === 'explain' && plain.text.includes('changelogMode')).toBe(false);
  });

  for (const c of CASES) {
    it(`${c.name}: [${c.mode}], and the job emits ${c.exact ? 'exactly those kinds' : 'no other kind'}`, async () => {
      expect(sinkInputMode(explain(c.insert))).toBe(c.mode);
      // which kinds a run emits can depend on how the two inputs interleave (a match arriving
      // before its outer row means no padded row to retract), so the exact set is required of
      // the runs together; no run may emit a kind outside the mode
      const all = new Set<string>();
      for (const p of [1, 2]) {
        const got = await emittedKinds(c.insert, p);
        const emitted = ORDER.filter((k) => got.has(k));
        const declared = c.mode.split(',');
        expect(emitted.filter((k) => !declared.includes(k)), `parallelism ${p}: kinds outside the mode`).toEqual([]);
        for (const k of emitted) all.add(k);
      }
      if (c.exact) expect(ORDER.filter((k) => all.has(k)).join(',')).toBe(c.mode);
    }, 60_000);
  }

  it('a csv sink accepts an inner join of append-only inputs and refuses an outer join (Flink: append-only vs updating)', () => {
    const csv = `CREATE TABLE out_csv (x BIGINT, y BIGINT, z BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/out-csv', 'format' = 'csv');`;
    const plan = (insert: string): unknown => new Session().executeScript({ name: 'x.sql', text: `${DDL}\n${csv}\nEXPLAIN CHANGELOG_MODE ${insert};` });
    expect(() => plan('INSERT INTO out_csv SELECT a.k, a.v, b.w FROM a JOIN b ON a.k = b.k')).not.toThrow();
    expect(() => plan('INSERT INTO out_csv SELECT a.k, a.v, b.w FROM a, b WHERE a.k = b.k AND a.v < b.w')).not.toThrow();
    expect(() => plan('INSERT INTO out_csv SELECT a.k, a.v, b.w FROM a LEFT JOIN b ON a.k = b.k')).toThrow(/produces an updating result/);
    expect(() => plan('INSERT INTO out_csv SELECT a.k, a.v, c.w FROM a JOIN c ON a.k = c.k')).toThrow(/produces an updating result/);
  });

  it('the other Flink explain details are refused with their position', () => {
    const s = new Session();
    let err: unknown;
    try {
      s.executeScript({ name: 'x.sql', text: 'EXPLAIN CHANGELOG_MODE, JSON_EXECUTION_PLAN SELECT 1;' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeirError);
    expect((err as WeirError).message).toBe('EXPLAIN JSON_EXECUTION_PLAN is not supported yet');
    expect((err as WeirError).span?.start).toBe(24);
  });
});
