// Upstream Nexmark, verbatim (queries/nexmark-upstream/): scripts/nexmark-upstream.mjs builds
// each runnable file (ddl_gen.sql + ddl_views.sql + qN.sql with its ${VARIABLES} substituted),
// and every query must agree with DuckDB under `weir verify` at parallelism 2, run in-process
// (a `weir` child per query would cost a second each). Small inputs: EVENTS events. The queries
// are split over two test files (nexmark-upstream-a/-b) so the suite's workers share them.
// These runs replace the parallelism-2 runs of the same queries' queries/nexmark/ files (see
// test/verify/queries.ts).
//
// q6 is the exception: upstream's own file is not valid SQL (its WHERE reads `rownum`, an alias
// of the same SELECT, and its select list reads A.id and B.price through a derived table that
// exposes neither); upstream's comment says Flink does not run it. weir must refuse it with the
// error Flink's validator gives first ("column not found").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import { verifyScript } from '../../src/verify/verify.js';
import { ROOT, weir } from '../cli/weir.js';

const EVENTS = 3_000;
export const QUERIES = Array.from({ length: 24 }, (_, i) => `q${i}`);
/** Queries upstream's own SQL makes invalid: the error weir gives. */
const REFUSED: Record<string, string> = {
  q6: "column 'rownum' not found in the input",
};

/** Builds `queries` with the script and verifies each at parallelism 2. */
export function verifyUpstream(queries: readonly string[]): void {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-upstream-'));
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'nexmark-upstream.mjs'), '--out', dir, '--events', String(EVENTS), '--queries', queries.join(',')], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(queries.length);
  });

  describe('upstream Nexmark, verbatim, under weir verify at parallelism 2', () => {
    it('a built file is upstream\'s DDL, views and query with only the variables substituted', () => {
      const src = (f: string): string => readFileSync(join(ROOT, 'queries', 'nexmark-upstream', f), 'utf8');
      const q = queries[0]!;
      const built = readFileSync(join(dir, `${q}.sql`), 'utf8');
      const vars = /\$\{([A-Z_]+)\}/g;
      // each source file, its variables aside, appears in the built file in order
      let at = 0;
      for (const f of ['ddl_gen.sql', 'ddl_views.sql', `${q}.sql`]) {
        const pattern = new RegExp(src(f).split(vars).map((part, i) => (i % 2 === 1 ? '.*?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 's');
        const m = pattern.exec(built.slice(at));
        expect(m, `${f} in the built ${q}.sql`).not.toBeNull();
        at += m!.index + m![0].length;
      }
      expect(built).toContain(`'events.num' = '${EVENTS}'`);
      expect(built).not.toContain('${');
    });

    it.each(queries)('%s', async (q) => {
      const path = join(dir, `${q}.sql`);
      const text = readFileSync(path, 'utf8');
      const refused = REFUSED[q];
      if (refused !== undefined) {
        const err = await verifyScript({ name: path, text }, { parallelism: 2 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WeirError);
        expect((err as WeirError).message).toContain(refused);
        return;
      }
      const r = await verifyScript({ name: path, text }, { parallelism: 2 });
      const detail = JSON.stringify(r.verdicts.map((v) => ({ label: v.label, equal: v.equal, stream: v.streamRows, batch: v.batchRows, onlyStream: v.onlyStream.slice(0, 3), onlyBatch: v.onlyBatch.slice(0, 3) })));
      expect(r.equal, detail).toBe(true);
      expect(r.verdicts.length, detail).toBeGreaterThan(0);
      for (const v of r.verdicts) expect(v.streamRows, `${v.label}: no rows at ${EVENTS} events`).toBeGreaterThan(0);
    }, 60_000);

    // the lookup join (stateless: it reads the side input again when restored) across crashes;
    // the other operators' crash runs are queries.ts's on the same queries' queries/nexmark files
    if (queries.includes('q13')) {
      it('q13 (a lookup join against the side-input file) agrees with DuckDB after two crashes (SIGKILL) and restores', async () => {
        // the source paced to about 4 s of input, so the job lives long enough to be killed twice
        const r = await weir(['verify', join(dir, 'q13.sql'), '--crash', '2', '--seed', '3', '--set', `table.exec.source.rows-per-second=${EVENTS / 4}`], { timeoutMs: 150_000 });
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toContain('INSERT INTO nexmark_q13: 2,760 rows, stream and DuckDB agree');
        expect(r.stderr).toContain('crash 2: killed the streaming run');
      }, 180_000);
    }
  });
}
