// A bad record is found the same way whichever columns a query reads (issue 11 item 15): a
// bad value in a column the query does not select fails the job at the same line as
// `SELECT *`, and ignore-parse-errors skips the same records. A first line that looks like a
// header gets a hint naming 'csv.ignore-first-line', which skips it (item 22). Run through
// `weir run`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-records-'));
// line 3: a bad INT in `amount`; line 4: one field too many
writeFileSync(join(dir, 'o.csv'), '1,ann,10\n2,bob,20\n3,cy,abc\n4,dee,40,5\n5,eve,50\n');
writeFileSync(join(dir, 'h.csv'), 'id,customer,amount\n1,ann,10\n2,bob,20\n');
writeFileSync(join(dir, 'o.json'), '{"id":1,"customer":"ann","amount":10}\n{"id":2,"customer":"bob","amount":"abc"}\n{"id":3,"customer":"cy","amount":30}\n');

function script(format: 'csv' | 'json', select: string, ignore = false): string {
  const file = join(dir, `q-${format}-${select.length}-${ignore}.sql`);
  const opt = ignore ? `, '${format}.ignore-parse-errors' = 'true'` : '';
  writeFileSync(
    file,
    `CREATE TABLE o (id INT, customer STRING, amount INT) WITH ('connector' = 'filesystem', 'path' = '${dir}/o.${format}', 'format' = '${format}'${opt});\n${select};\n`,
  );
  return file;
}

describe('record-level problems do not depend on the columns read', () => {
  it('csv: SELECT * and SELECT id, customer fail at the same line, naming the bad value', async () => {
    for (const select of ['SELECT * FROM o', 'SELECT id, customer FROM o']) {
      const r = await weir(['run', script('csv', select)]);
      expect(r.code, select).toBe(1);
      expect(r.stderr, select).toContain(`bad value 'abc' for column amount (INT) at ${dir}/o.csv:3`);
    }
  });

  it('csv with ignore-parse-errors: both queries skip the same two records', async () => {
    for (const select of ['SELECT * FROM o', 'SELECT id, customer FROM o']) {
      const r = await weir(['run', script('csv', select, true)]);
      expect(r.code, select).toBe(0);
      const ids = r.stdout.split('\n').filter((l) => l.startsWith('+I[')).map((l) => l.slice(3, l.indexOf(',')));
      expect(ids, select).toEqual(['1', '2', '5']);
    }
  });

  it('json: a bad value in an unselected key fails as SELECT * does', async () => {
    for (const select of ['SELECT * FROM o', 'SELECT id, customer FROM o']) {
      const r = await weir(['run', script('json', select)]);
      expect(r.code, select).toBe(1);
      expect(r.stderr, select).toContain(`bad value 'abc' for column amount (INT) at ${dir}/o.json:2`);
    }
  });
});

describe('a header line', () => {
  const table = (opts: string): string => {
    const file = join(dir, `h${opts.length}.sql`);
    writeFileSync(file, `CREATE TABLE h (id INT, customer STRING, amount INT) WITH ('connector' = 'filesystem', 'path' = '${dir}/h.csv', 'format' = 'csv'${opts});\nSELECT * FROM h;\n`);
    return file;
  };

  it("fails with a hint to set 'csv.ignore-first-line', which skips it", async () => {
    const r = await weir(['run', table('')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bad value 'id' for column id (INT) at ${dir}/h.csv:1`);
    expect(r.stderr).toContain("hint: line 1 looks like a header; to skip it, add 'csv.ignore-first-line' = 'true'");
    const ok = await weir(['run', table(", 'csv.ignore-first-line' = 'true'")]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.split('\n').filter((l) => l.startsWith('+I['))).toEqual(['+I[1, ann, 10]', '+I[2, bob, 20]']);
  });

  it('in a table of STRING columns is read as data, as Flink reads it, with a notice naming the option; no notice once set', async () => {
    writeFileSync(join(dir, 's.csv'), 'customer,city\nann,Oslo\nbob,Rome\n');
    const file = (opts: string): string => {
      const f = join(dir, `s${opts.length}.sql`);
      writeFileSync(f, `CREATE TABLE s (customer STRING, city VARCHAR) WITH ('connector' = 'filesystem', 'path' = '${dir}/s.csv', 'format' = 'csv'${opts});\nSELECT * FROM s;\n`);
      return f;
    };
    const r = await weir(['run', file('')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('+I['))).toEqual(['+I[customer, city]', '+I[ann, Oslo]', '+I[bob, Rome]']);
    expect(r.stderr).toContain(`notice: ${dir}/s.csv:1 holds the column names of table s (customer,city), and it is read as a row of data. If the files start with a header line, add 'csv.ignore-first-line' = 'true'`);
    const ok = await weir(['run', file(", 'csv.ignore-first-line' = 'true'")]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.split('\n').filter((l) => l.startsWith('+I['))).toEqual(['+I[ann, Oslo]', '+I[bob, Rome]']);
    expect(ok.stderr).not.toContain('notice');
    // a first line of data that merely looks like words gets no notice
    writeFileSync(join(dir, 's.csv'), 'ann,Oslo\nbob,Rome\n');
    expect((await weir(['run', file('')])).stderr).not.toContain('notice');
  });
});
