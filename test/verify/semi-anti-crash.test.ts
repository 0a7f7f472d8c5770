// Semi and anti joins (IN / NOT EXISTS / IN over an updating aggregate) through `weir verify`
// with two SIGKILL crashes and restores, at parallelism 2: the committed changelog, folded,
// must equal DuckDB's result.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { weir } from '../cli/weir.js';

it('semi and anti joins agree with DuckDB after two crashes and restores at parallelism 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-semi-crash-'));
  const file = join(dir, 'semi.sql');
  writeFileSync(
    file,
    `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '60000');
CREATE TABLE auction (id BIGINT, category BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'auction', 'events.num' = '60000');
SELECT b.auction, b.price FROM bid b WHERE b.auction IN (SELECT id FROM auction WHERE category = 10);
SELECT b.auction, b.bidder FROM bid b WHERE NOT EXISTS (SELECT 1 FROM auction a WHERE a.id = b.auction AND a.category <> 10) AND b.price > 1000000;
SELECT a.id, a.category FROM auction a WHERE a.id IN (SELECT auction FROM bid GROUP BY auction HAVING COUNT(*) >= 20);
`,
  );
  const r = await weir(['verify', file, '-p', '2', '--crash', '2', '--seed', '5', '--set', 'table.exec.source.rows-per-second=40000'], { timeoutMs: 240_000 });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).not.toContain('DIFF');
  expect(r.stdout.match(/stream and DuckDB agree/g)).toHaveLength(3);
  expect(r.stderr).toContain('crash 1: killed the streaming run');
}, 300_000);
