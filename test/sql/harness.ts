// File-driven SQL tests: each case runs a weir query over data files and compares its result
// (the changelog folded into a table) with a hand-written DuckDB query over the same files,
// as multisets, using real DuckDB.
//
// Case file format (test/sql/cases/*.sqltest):
//
//   === name of the case
//   --- file bids.csv           a data file written to the case's temp directory ($DIR)
//   1,100,2020-01-01 00:00:01
//   --- weir                    weir SQL: DDL, then one SELECT
//   CREATE TABLE ... WITH ('path' = '$DIR/bids.csv', ...);
//   SELECT ...;
//   --- duckdb                  the expected result, as a DuckDB query
//   SELECT ... FROM read_csv('$DIR/bids.csv', ...)
//   --- late 2                  (optional) records the job must report as dropped late
//   --- parallelism 1 2         (optional, default 1 2) run at each parallelism
//   --- batch-size 3            (optional) source batch size, to exercise batch boundaries
//   --- error <text>            (instead of duckdb) the weir SQL must fail with this message;
//                                `at L:C` in the text checks the error position
//   --- weir-file <path>        weir SQL from a file of the repository (e.g. queries/...);
//                                its INSERTs are collected instead of written
//   --- replace <from> => <to>  a text replacement applied to the weir SQL (e.g. a smaller
//                                'events.num' for a test)
//   --- load <table>            load the weir table's rows (a generator) into DuckDB as a
//                                view of the same name before the duckdb query runs
//   --- columns 0 2 7           (optional) compare only these columns of weir's result with the
//                                DuckDB query: for a ROW_NUMBER over ties, where which tied row
//                                is kept may differ; `--- verify` then checks whole rows tie-aware
//   --- sample N                (optional) the result is N rows out of the DuckDB query's rows
//                                (a LIMIT without ORDER BY keeps whichever rows arrive first):
//                                weir's rows must be a sub-multiset of DuckDB's, N of them
//   --- passed-through some     (optional) an adaptive local pre-aggregation must pass some rows
//                                straight through (`none`: no row) at every parallelism
//   --- verify                  also run `weir verify`'s check (the query translated to
//                                DuckDB by src/verify) at the last parallelism: it must agree
//
// Lines starting with `#` are comments, except inside a `--- file` section.

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { collectScript } from '../../src/verify/collect.js';
import { alignDecimals, compareMultisets, compareSample, exactColumns, exactInteger } from '../../src/verify/compare.js';
import { verifyScript } from '../../src/verify/verify.js';
import type { Row } from '../../src/verify/compare.js';
import { WeirError, lineColumn } from '../../src/common/errors.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { duckRows, duckToWeir } from '../../src/verify/duck-values.js';
import { readFileSync } from 'node:fs';
import type { DataType } from '../../src/common/types.js';

export interface SqlCase {
  readonly name: string;
  readonly files: Map<string, string>;
  readonly weir: string;
  readonly duckdb: string | undefined;
  readonly late: number | undefined;
  readonly parallelism: number[];
  readonly batchSize: number | undefined;
  readonly error: string | undefined;
  readonly weirFile: string | undefined;
  readonly replacements: readonly [string, string][];
  readonly loads: readonly string[];
  readonly verify: boolean;
  readonly columns: readonly number[] | undefined;
  readonly sample: number | undefined;
  readonly passedThrough: 'some' | 'none' | undefined;
}

export function parseCases(text: string): SqlCase[] {
  const cases: SqlCase[] = [];
  let cur: { name: string; sections: [string, string, string[]][] } | null = null;
  let section: [string, string, string[]] | null = null;
  const flush = (): void => {
    if (cur === null) return;
    const files = new Map<string, string>();
    let weir = '';
    let duckdb: string | undefined;
    let late: number | undefined;
    let parallelism = [1, 2];
    let batchSize: number | undefined;
    let error: string | undefined;
    let weirFile: string | undefined;
    const replacements: [string, string][] = [];
    const loads: string[] = [];
    let verify = false;
    let columns: number[] | undefined;
    let sample: number | undefined;
    let passedThrough: 'some' | 'none' | undefined;
    for (const [kind, arg, lines] of cur.sections) {
      const body = lines.join('\n');
      switch (kind) {
        case 'file':
          files.set(arg, body.length > 0 ? body + '\n' : '');
          break;
        case 'file-raw':
          files.set(arg, body);
          break;
        case 'weir':
          weir = body;
          break;
        case 'duckdb':
          duckdb = body;
          break;
        case 'late':
          late = Number(arg);
          break;
        case 'parallelism':
          parallelism = arg.split(/\s+/).map(Number);
          break;
        case 'batch-size':
          batchSize = Number(arg);
          break;
        case 'error':
          error = arg;
          break;
        case 'weir-file':
          weirFile = arg;
          break;
        case 'replace': {
          const [from, to] = arg.split(' => ');
          replacements.push([from!, to!]);
          break;
        }
        case 'load':
          loads.push(arg);
          break;
        case 'sample':
          sample = Number(arg);
          break;
        case 'verify':
          verify = true;
          break;
        case 'passed-through':
          if (arg !== 'some' && arg !== 'none') throw new Error(`'--- passed-through' takes 'some' or 'none', in case ${cur.name}`);
          passedThrough = arg;
          break;
        case 'columns':
          columns = arg.split(/\s+/).map(Number);
          break;
        default:
          throw new Error(`unknown section '--- ${kind}' in case ${cur.name}`);
      }
    }
    cases.push({ name: cur.name, files, weir, duckdb, late, parallelism, batchSize, error, weirFile, replacements, loads, verify, columns, sample, passedThrough });
  };
  for (const line of text.split('\n')) {
    const c = /^=== (.+)$/.exec(line);
    if (c !== null) {
      flush();
      cur = { name: c[1]!.trim(), sections: [] };
      section = null;
      continue;
    }
    const s = /^--- (\S+)\s*(.*)$/.exec(line);
    if (s !== null && cur !== null) {
      section = [s[1]!, s[2]!.trim(), []];
      cur.sections.push(section);
      continue;
    }
    // `#` starts a comment line anywhere but in a data file (SQL has no `#` comments)
    if (line.startsWith('#') && section?.[0] !== 'file') continue;
    if (section !== null) section[2].push(line);
  }
  flush();
  // trim trailing blank lines of bodies (but keep them in raw files)
  return cases.map((c) => ({ ...c, weir: c.weir.trim(), duckdb: c.duckdb?.trim() }));
}

export const ROOT = join(import.meta.dirname, '..', '..');

let duck: DuckDBConnection | null = null;
const loaded = new Map<string, string>();
export async function duckdb(): Promise<DuckDBConnection> {
  if (duck === null) {
    const inst = await DuckDBInstance.create(':memory:');
    duck = await inst.connect();
  }
  return duck;
}

/** DuckDB values in weir's terms: timestamps as epoch ms, DATE as days, integers as numbers. */
export function normalizeDuck(v: unknown, t: DataType | undefined): Row[number] {
  return duckToWeir(v, t);
}

export async function runDuck(sql: string, types: readonly DataType[]): Promise<Row[]> {
  return (await runDuckExact(sql, types)).rows;
}

/** DuckDB's rows with DECIMAL columns read exactly where DuckDB's type is DECIMAL. */
export async function runDuckExact(sql: string, types: readonly DataType[]): Promise<{ rows: Row[]; decimalExact: boolean[] }> {
  const conn = await duckdb();
  const reader = await conn.runAndReadAll(sql);
  const r = duckRows(reader, types);
  return { rows: r.rows as Row[], decimalExact: r.decimalExact };
}

function show(rows: readonly Row[], limit = 20): string {
  return rows.slice(0, limit).map((r) => `  ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`).join('\n') + (rows.length > limit ? `\n  ... ${rows.length - limit} more` : '');
}

export function materialize(c: SqlCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-sqltest-'));
  for (const [name, content] of c.files) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export async function runCase(c: SqlCase): Promise<void> {
  const dir = materialize(c);
  let weirSql = (c.weirFile !== undefined ? readFileSync(join(ROOT, c.weirFile), 'utf8') : c.weir).replaceAll('$DIR', dir);
  for (const [from, to] of c.replacements) {
    if (!weirSql.includes(from)) throw new Error(`replace: '${from}' does not occur in the weir SQL`);
    weirSql = weirSql.replaceAll(from, to);
  }
  const sourceName = c.weirFile ?? 'case.sql';
  if (c.error !== undefined) {
    let err: unknown;
    try {
      await collectScript({ name: 'case.sql', text: weirSql }, { parallelism: 1 });
    } catch (e) {
      err = e;
    }
    if (!(err instanceof WeirError)) throw new Error(`expected a weir error '${c.error}', got ${err === undefined ? 'success' : String(err)}`);
    const m = /^(.*?)(?: at (\d+):(\d+))?$/.exec(c.error)!;
    const msg = m[1]!;
    const full = `${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}`;
    if (!full.includes(msg)) throw new Error(`expected an error containing '${msg}', got '${full}'`);
    if (m[2] !== undefined) {
      if (err.span === undefined) throw new Error(`expected the error at ${m[2]}:${m[3]}, but it has no position`);
      const text = err.source?.text ?? weirSql;
      const lc = lineColumn(text, err.span.start);
      if (lc.line !== Number(m[2]) || lc.column !== Number(m[3])) throw new Error(`expected the error at ${m[2]}:${m[3]}, got ${lc.line}:${lc.column}`);
    }
    return;
  }
  if (c.duckdb === undefined) throw new Error(`case ${c.name} has neither --- duckdb nor --- error`);
  if (c.weirFile === undefined && c.weir === '') throw new Error(`case ${c.name} has no weir SQL`);
  for (const p of c.parallelism) {
    const r = await collectScript({ name: sourceName, text: weirSql }, { parallelism: p, batchSize: c.batchSize, insertsAsQueries: true });
    const q = r.queries[0];
    if (c.loads.length > 0 && p === c.parallelism[0]) {
      const conn = await duckdb();
      for (const t of c.loads) {
        const table = r.session.catalog.get(t);
        if (table === undefined || table.kind !== 'table') throw new Error(`load: no table ${t}`);
        // The same generated table is loaded once per test file run.
        const key = `${t}|${JSON.stringify([...table.options])}|${JSON.stringify(table.columns.map((x) => [x.name, x.type]))}`;
        if (loaded.get(t) !== key) {
          await loadTable(conn, table, t);
          loaded.set(t, key);
        }
      }
    }
    if (q === undefined) throw new Error('the weir SQL of a case needs a SELECT');
    if (q.unmatchedRetractions.length > 0) throw new Error(`parallelism ${p}: the changelog retracted rows it never inserted:\n${show(q.unmatchedRetractions)}`);
    const pick = c.columns;
    const types = q.plan.schema.map((f) => f.type);
    const picked = pick === undefined ? types : pick.map((i) => types[i]!);
    const duck = await runDuckExact(c.duckdb.replaceAll('$DIR', dir), picked);
    const expected = duck.rows;
    const rows = pick === undefined ? q.rows.map((r) => r.slice()) : q.rows.map((r) => pick.map((i) => r[i]!));
    alignDecimals(rows, expected, picked, duck.decimalExact);
    const exact = exactColumns(picked, duck.decimalExact);
    const cmp = c.sample === undefined ? compareMultisets(rows, expected, exact) : compareSample(rows, expected, 0, c.sample, exact);
    if (c.sample !== undefined && q.rows.length !== c.sample) throw new Error(`parallelism ${p}: expected ${c.sample} rows, weir gave ${q.rows.length}:\n${show(q.rows)}`);
    if (!cmp.equal) {
      throw new Error(
        `parallelism ${p}: weir and DuckDB differ (${rows.length} vs ${expected.length} rows)\nonly in weir (${cmp.onlyLeft.length}):\n${show(cmp.onlyLeft)}\nonly in DuckDB (${cmp.onlyRight.length}):\n${show(cmp.onlyRight)}`,
      );
    }
    if (c.late !== undefined && r.summary!.lateDropped !== c.late) {
      throw new Error(`parallelism ${p}: expected ${c.late} late records dropped, the job reported ${r.summary!.lateDropped}`);
    }
    if (c.passedThrough !== undefined) {
      const passed = r.summary!.localAgg.passedThrough;
      if (c.passedThrough === 'some' ? passed === 0 : passed > 0) throw new Error(`parallelism ${p}: expected ${c.passedThrough === 'some' ? 'some rows' : 'no row'} passed straight through the local pre-aggregation, the job reported ${passed} of ${r.summary!.localAgg.rowsIn}`);
    }
    // verify's translation does not depend on the parallelism; the stream at each parallelism
    // is compared with the expected rows above, so one verify run, at the last parallelism
    // (the one with exchanges), checks the translation against both
    if (c.verify && p === c.parallelism[c.parallelism.length - 1]) {
      const set: [string, string][] = c.batchSize === undefined ? [] : [['execution.batch-size', String(c.batchSize)]];
      const report = await verifyScript({ name: sourceName, text: weirSql }, { parallelism: p, set });
      const v = report.verdicts[0];
      if (v === undefined || !report.equal) {
        throw new Error(`parallelism ${p}: weir verify finds a difference (${v?.streamRows} vs ${v?.batchRows} rows)\nonly in the stream:\n${show(v?.onlyStream ?? [])}\nonly in DuckDB:\n${show(v?.onlyBatch ?? [])}\nDuckDB SQL: ${v?.sql}`);
      }
    }
  }
}
