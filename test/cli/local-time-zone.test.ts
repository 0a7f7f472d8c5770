// TIMESTAMP_LTZ and 'table.local-time-zone' as a user of `weir run` / `weir verify` meets them
// (issue 12 item 2): printing in the session zone, csv/json sinks in UTC with a Z (Flink's
// formats), --set of the zone, the machine's zone as the default (TZ), the clock functions and
// verify's refusal of them. Real child processes; expected values worked out by hand.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from './weir.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-ltz-'));

// 2021-03-14 07:30:00Z is 03:30 EDT in New York (the day clocks spring forward) and 15:30 in Shanghai.
const EVENTS = '1,2021-03-14 07:30:00Z\n2,2021-03-14 06:59:59.999Z\n';
const table = (dir: string): string =>
  `CREATE TABLE e (id INT, ts TIMESTAMP_LTZ(3)) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'e.csv')}', 'format' = 'csv');\n`;

describe('TIMESTAMP_LTZ in weir run', () => {
  it('prints instants in the session zone, set in the file or with --set', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), EVENTS);
    writeFileSync(join(dir, 'q.sql'), `SET 'table.local-time-zone' = 'America/New_York';\n${table(dir)}SELECT id, ts, CAST(ts AS TIMESTAMP(3)) AS local_ts FROM e;\n`);
    const r = await weir(['run', join(dir, 'q.sql'), '--quiet'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 06:59:59.999Z is still 01:59:59.999 EST; 07:30Z is 03:30 EDT
    expect(r.stdout.trim().split('\n').sort()).toEqual(['+I[1, 2021-03-14 03:30:00.000, 2021-03-14 03:30:00.000]', '+I[2, 2021-03-14 01:59:59.999, 2021-03-14 01:59:59.999]']);

    writeFileSync(join(dir, 'p.sql'), `${table(dir)}SELECT id, ts FROM e;\n`);
    const s = await weir(['run', join(dir, 'p.sql'), '--quiet', '--set', 'table.local-time-zone=Asia/Shanghai'], { cwd: dir });
    expect(s.code).toBe(0);
    expect(s.stdout.trim().split('\n').sort()).toEqual(['+I[1, 2021-03-14 15:30:00.000]', '+I[2, 2021-03-14 14:59:59.999]']);
  });

  it("defaults to the machine's zone (Flink's 'default'), here TZ", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), EVENTS);
    writeFileSync(join(dir, 'q.sql'), `${table(dir)}SELECT id, ts FROM e WHERE id = 1;\n`);
    const ny = await weir(['run', join(dir, 'q.sql'), '--quiet'], { cwd: dir, env: { TZ: 'America/New_York' } });
    expect(ny.stdout.trim()).toBe('+I[1, 2021-03-14 03:30:00.000]');
    const sh = await weir(['run', join(dir, 'q.sql'), '--quiet'], { cwd: dir, env: { TZ: 'Asia/Shanghai' } });
    expect(sh.stdout.trim()).toBe('+I[1, 2021-03-14 15:30:00.000]');
  });

  it('csv and json sinks write the instant in UTC with a Z, whatever the session zone', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), EVENTS);
    writeFileSync(
      join(dir, 'q.sql'),
      `SET 'table.local-time-zone' = 'Asia/Shanghai';\n${table(dir)}` +
        `CREATE TABLE c (id INT, ts TIMESTAMP_LTZ(3)) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'out-csv')}', 'format' = 'csv');\n` +
        `CREATE TABLE j (id INT, ts TIMESTAMP_LTZ(3)) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'out-json')}', 'format' = 'json');\n` +
        `EXECUTE STATEMENT SET BEGIN INSERT INTO c SELECT id, ts FROM e; INSERT INTO j SELECT id, ts FROM e; END;\n`,
    );
    const r = await weir(['run', join(dir, 'q.sql'), '--quiet'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const read = (d: string): string[] =>
      readdirSync(join(dir, d))
        .filter((f) => !f.startsWith('.') && !f.startsWith('_'))
        .flatMap((f) => readFileSync(join(dir, d, f), 'utf8').trim().split('\n'))
        .sort();
    expect(read('out-csv')).toEqual(['1,2021-03-14 07:30:00.000Z', '2,2021-03-14 06:59:59.999Z']);
    expect(read('out-json')).toEqual(['{"id":1,"ts":"2021-03-14 07:30:00.000Z"}', '{"id":2,"ts":"2021-03-14 06:59:59.999Z"}']);
  });

  it('CURRENT_TIMESTAMP, NOW(), LOCALTIMESTAMP and CURRENT_DATE read the clock during the run, in the session zone', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), EVENTS);
    writeFileSync(
      join(dir, 'q.sql'),
      `SET 'table.local-time-zone' = 'GMT+05:00';\n${table(dir)}` +
        `SELECT id, CAST(CURRENT_TIMESTAMP AS STRING), CAST(NOW() AS STRING), CAST(LOCALTIMESTAMP AS STRING), CAST(CURRENT_DATE AS STRING), ` +
        `CAST(CURRENT_TIMESTAMP AS TIMESTAMP(3)) = LOCALTIMESTAMP OR CAST(CURRENT_TIMESTAMP AS TIMESTAMP(3)) > LOCALTIMESTAMP - INTERVAL '1' SECOND FROM e WHERE id = 1;\n`,
    );
    const before = Date.now();
    const r = await weir(['run', join(dir, 'q.sql'), '--quiet'], { cwd: dir });
    const after = Date.now();
    expect(r.code).toBe(0);
    const m = /^\+I\[1, (.+?), (.+?), (.+?), (.+?), true\]$/.exec(r.stdout.trim());
    expect(m, r.stdout).not.toBeNull();
    // the printed local time, read back as UTC and moved back 5 hours, lies within the run
    const instant = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`) - 5 * 3_600_000;
    for (const t of [m![1]!, m![2]!, m![3]!]) {
      expect(instant(t)).toBeGreaterThanOrEqual(before - 1);
      expect(instant(t)).toBeLessThanOrEqual(after + 1);
    }
    const today = [new Date(before + 5 * 3_600_000), new Date(after + 5 * 3_600_000)].map((d) => d.toISOString().slice(0, 10));
    expect(today).toContain(m![4]!);
  });

  it('weir verify checks TIMESTAMP_LTZ windows, and refuses the clock functions with the reason', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), EVENTS);
    const wm = `CREATE TABLE w (id INT, ts TIMESTAMP_LTZ(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'e.csv')}', 'format' = 'csv');\n`;
    writeFileSync(
      join(dir, 'ok.sql'),
      `SET 'table.local-time-zone' = 'America/New_York';\n${wm}SELECT window_start, window_time, COUNT(*) FROM TABLE(TUMBLE(TABLE w, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end, window_time;\n`,
    );
    const ok = await weir(['verify', join(dir, 'ok.sql')], { cwd: dir });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    writeFileSync(join(dir, 'clock.sql'), `SET 'table.local-time-zone' = 'UTC';\n${table(dir)}SELECT id FROM e WHERE ts < CURRENT_TIMESTAMP;\n`);
    const clock = await weir(['verify', join(dir, 'clock.sql')], { cwd: dir });
    expect(clock.code).not.toBe(0);
    expect(clock.stderr).toContain('CURRENT_TIMESTAMP');
    expect(clock.stderr).toContain('reads the wall clock');
  });

  it('a zone changed after a query is an error with its position; a bad zone too', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), EVENTS);
    writeFileSync(join(dir, 'q.sql'), `${table(dir)}SELECT id FROM e;\nSET 'table.local-time-zone' = 'UTC';\n`);
    const r = await weir(['run', join(dir, 'q.sql')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'table.local-time-zone' changes after a query");
    expect(r.stderr).toContain('q.sql:3:1');
    const bad = await weir(['run', join(dir, 'q.sql'), '--set', 'table.local-time-zone=Europe/Pariss']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("did you mean 'Europe/Paris'?");
  });
});

describe('TIMESTAMP_LTZ in the shell', () => {
  it('each query shows instants in the zone SET before it; RESET goes back to the machine zone; a bad zone is refused', async () => {
    const input = [
      "SET 'table.local-time-zone' = 'Asia/Shanghai';",
      'SELECT TO_TIMESTAMP_LTZ(4001, 3) AS t;',
      "SET 'table.local-time-zone' = 'America/New_York';",
      'SELECT TO_TIMESTAMP_LTZ(4001, 3) AS t;',
      "RESET 'table.local-time-zone';",
      'SELECT TO_TIMESTAMP_LTZ(4001, 3) AS t;',
      "SET 'table.local-time-zone' = 'Mars/Olympus';",
      '',
    ].join('\n');
    const r = await weir([], { input, env: { TZ: 'Europe/Berlin' } });
    // 4001 ms after the epoch: 08:00:04.001 in Shanghai, 19:00:04.001 the day before in New
    // York, 01:00:04.001 in Berlin (the machine's zone, TZ)
    expect(r.stdout.trim().split('\n')).toEqual(['+I[1970-01-01 08:00:04.001]', '+I[1969-12-31 19:00:04.001]', '+I[1970-01-01 01:00:04.001]']);
    expect(r.stderr).toContain("'table.local-time-zone' must be a time zone id");
  });
});
