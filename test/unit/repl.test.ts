// The REPL's pieces without a terminal: the table mode's in-place result against an
// independent fold of the same changelog, completion candidates, the history file.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaterializedResult } from '../../src/cli/repl/live-view.js';
import { complete } from '../../src/cli/repl/completion.js';
import type { CompletionContext } from '../../src/cli/repl/completion.js';
import { History } from '../../src/cli/repl/history.js';
import { META_COMMANDS } from '../../src/cli/repl/repl.js';
import { Session } from '../../src/sql/session.js';

const I = 0;
const UB = 1;
const UA = 2;
const D = 3;

describe('table mode: the result kept in place', () => {
  it('an update replaces its row where it stands; inserts go to the bottom; a delete removes its row at once', () => {
    const t = new MaterializedResult(100);
    t.apply(I, ['a', '1'], 0);
    t.apply(I, ['b', '1'], 0);
    t.apply(I, ['c', '1'], 0);
    t.apply(UB, ['a', '1'], 10);
    t.apply(UA, ['a', '2'], 10);
    t.apply(D, ['b', '1'], 10);
    t.flush();
    expect(t.entries.map((e) => `${e.mark}${e.cells.join('')}`)).toEqual(['~a2', '+c1']);
    expect(t.size).toBe(2);
    t.expire(2000);
    expect(t.entries.map((e) => `${e.mark}${e.cells.join('')}`)).toEqual(['a2', 'c1']);
  });

  it('keeps at most the configured number of rows, dropping the oldest', () => {
    const t = new MaterializedResult(2);
    for (const k of ['a', 'b', 'c']) t.apply(I, [k], 0);
    t.expire(5000);
    expect(t.entries.map((e) => e.cells[0])).toEqual(['b', 'c']);
    expect(t.dropped).toBe(1);
  });

  it('holds exactly the multiset a changelog folds to, for random changelogs', () => {
    // a changelog of an updating aggregate: per key, +I then (-U, +U)* then maybe -D then +I ...
    const ops = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), { maxLength: 200 });
    fc.assert(
      fc.property(ops, (steps) => {
        const t = new MaterializedResult(1_000);
        const current = new Map<number, number>();
        const fold = new Map<string, number>();
        const bump = (row: string, d: number): void => {
          fold.set(row, (fold.get(row) ?? 0) + d);
          if (fold.get(row) === 0) fold.delete(row);
        };
        let now = 0;
        for (const [key, action] of steps) {
          const old = current.get(key);
          const cells = (v: number): string[] => [String(key), String(v)];
          if (old === undefined) {
            t.apply(I, cells(1), now);
            bump(cells(1).join(','), 1);
            current.set(key, 1);
          } else if (action === 0) {
            t.apply(D, cells(old), now);
            bump(cells(old).join(','), -1);
            current.delete(key);
          } else {
            t.apply(UB, cells(old), now);
            t.apply(UA, cells(old + action), now);
            bump(cells(old).join(','), -1);
            bump(cells(old + action).join(','), 1);
            current.set(key, old + action);
          }
          t.flush();
          now += 1;
        }
        const shown = new Map<string, number>();
        for (const e of t.entries) shown.set(e.cells.join(','), (shown.get(e.cells.join(',')) ?? 0) + 1);
        expect(shown).toEqual(fold);
        expect(t.size).toBe([...fold.values()].reduce((a, b) => a + b, 0));
        // one row per key: updates never append
        expect(t.entries.length).toBe(current.size);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('completion', () => {
  const session = new Session();
  session.executeScript({
    name: 's.sql',
    text: `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3)) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid');
CREATE TABLE person (id BIGINT, name STRING, city STRING) WITH ('connector' = 'nexmark', 'nexmark.table' = 'person');
CREATE VIEW cheap AS SELECT auction, price FROM bid WHERE price < 100;`,
  });
  const ctx = (pending = ''): CompletionContext => ({ catalog: session.catalog, pending, jobIds: ['0a1b2c3d'], metaCommands: META_COMMANDS, resultModes: ['table', 'changelog', 'tableau'] });

  it('completes a column, a table, a view, a function and a keyword', () => {
    expect(complete('SELECT bidd', ctx())).toEqual([['bidder'], 'bidd']);
    expect(complete('SELECT * FROM pers', ctx())[0]).toEqual(['person']);
    expect(complete('SELECT * FROM che', ctx())[0]).toEqual(['cheap']);
    expect(complete('SELECT UPP', ctx())[0]).toContain('UPPER');
    expect(complete('sel', ctx())[0]).toContain('select');
    expect(complete('SEL', ctx())[0]).toContain('SELECT');
  });

  it('after FROM offers only tables and views, and never a function weir refuses', () => {
    expect(complete('SELECT * FROM p', ctx())).toEqual([['person'], 'p']);
    expect(complete('SELECT * FROM bid JOIN c', ctx())[0]).toEqual(['cheap']);
    // the clock functions are offered, CURRENT_TIME and LOCALTIME (TIME(0)) among them
    expect(complete('SELECT current_t', ctx())[0]!.sort()).toEqual(['current_time', 'current_timestamp']);
    expect(complete('SELECT CURRENT_', ctx())[0]!.sort()).toEqual(['CURRENT_DATE', 'CURRENT_ROW_TIMESTAMP', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_WATERMARK']);
    expect(complete('SELECT LOCALT', ctx())[0]!.sort()).toEqual(['LOCALTIME', 'LOCALTIMESTAMP']);
  });

  it("puts the columns of the statement's tables first, and completes t. and alias. to columns", () => {
    const [cands] = complete('SELECT c', ctx('FROM person p'));
    expect(cands[0]).toBe('city');
    expect(complete('SELECT p.na', ctx())[0]).toEqual([]);
    expect(complete('SELECT p.na', ctx('FROM person p\nWHERE true'))[0]).toEqual(['name']);
    expect(complete('SELECT bid.pr', ctx())[0]).toEqual(['price']);
  });

  it('completes option keys in SET, job ids in STOP JOB, meta-commands and result modes', () => {
    expect(complete("SET 'sql-client.execution.r", ctx())[0]).toEqual(['sql-client.execution.result-mode']);
    expect(complete("STOP JOB '0a", ctx())[0]).toEqual(['0a1b2c3d']);
    expect(complete('\\ti', ctx())[0]).toEqual(['\\timing']);
    expect(complete('\\mode ch', ctx())[0]).toEqual(['changelog']);
    // nothing inside a string literal
    expect(complete("SELECT 'bidd", ctx())[0]).toEqual([]);
  });
});

describe('history', () => {
  it('keeps a statement typed over several lines as one entry, newest first, across sessions', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'weir-hist-')), 'history');
    writeFileSync(path, 'SELECT 1;\nSELECT 2;\nSELECT 1;\n');
    const h = new History(path);
    expect(h.entries).toEqual(['SELECT 1;', 'SELECT 2;']);
    // readline put the two typed lines in first
    h.entries.unshift('FROM bid;', 'SELECT price');
    h.add('SELECT price\nFROM bid;', 2);
    expect(h.entries).toEqual(['SELECT price FROM bid;', 'SELECT 1;', 'SELECT 2;']);
    expect(readFileSync(path, 'utf8').trim().split('\n').pop()).toBe('SELECT price FROM bid;');
    expect(new History(path).entries[0]).toBe('SELECT price FROM bid;');
  });

  it('writes a statement\'s password to the file masked, keeping it in the session', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'weir-hist-')), 'history');
    const h = new History(path);
    h.add("CREATE TABLE t (k INT) WITH ('connector' = 'jdbc', 'password' = 'Sw0rdfish');", 1);
    expect(h.entries[0]).toContain("'password' = 'Sw0rdfish'");
    expect(readFileSync(path, 'utf8')).toBe("CREATE TABLE t (k INT) WITH ('connector' = 'jdbc', 'password' = '******');\n");
    h.compact();
    expect(readFileSync(path, 'utf8')).not.toContain('Sw0rdfish');
  });
});
