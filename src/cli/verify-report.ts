// The text of a `weir verify` report (used by `weir verify` and the REPL's \verify).

import pc from 'picocolors';
import { formatScalar } from '../common/display.js';
import { formatCount, formatDelay } from '../exec/job-runner.js';
import type { VerifyReport } from '../verify/verify.js';
import { formatTtl } from '../plan/physical.js';

/** One line per query, the differing rows, then the late records and watermark delays. */
/**
 * `opts.statement` names the statement verified when its line means nothing to the reader
 * (the shell's \verify runs a script the user never sees).
 */
export function formatVerifyReport(report: VerifyReport, opts: { readonly showSql: boolean; readonly color: boolean; readonly statement?: string }): string {
  const out: string[] = [];
  const ok = opts.color ? pc.green('✓') : 'OK  ';
  const bad = opts.color ? pc.red('✗') : 'DIFF';
  for (const v of report.verdicts) {
    const where = opts.statement === undefined ? `line ${v.line} ${v.label}` : report.verdicts.length > 1 ? `${opts.statement} (${v.label})` : opts.statement;
    if (v.equal) {
      out.push(`${ok} ${where}: ${formatCount(v.streamRows)} row${v.streamRows === 1 ? '' : 's'}, stream and DuckDB agree`);
    } else {
      out.push(`${bad} ${where}: the stream has ${formatCount(v.streamRows)} rows, DuckDB ${formatCount(v.batchRows)}`);
      const fmt = (r: readonly unknown[]): string => `[${r.map((x, i) => (x === null ? 'null' : typeof x === 'bigint' ? String(x) : formatScalar(x as number | string, v.schema[i]!.type))).join(', ')}]`;
      const show = (title: string, rows: readonly (readonly unknown[])[]): void => {
        out.push(`    ${title} (${rows.length === 0 ? 'none' : rows.length > 20 ? `first 20 of ${formatCount(rows.length)}` : formatCount(rows.length)}):`);
        for (const r of rows.slice(0, 20)) out.push(`      ${fmt(r)}`);
      };
      show('only in the stream', v.onlyStream);
      show('only in DuckDB', v.onlyBatch);
      if (v.unmatchedRetractions.length > 0) show('retracted by the stream without having been emitted', v.unmatchedRetractions);
      if (v.tieNote !== undefined) out.push(`    ties: rows tied on the OVER's ORDER BY time were tried in every order; ${v.tieNote}`);
    }
    if (opts.showSql) out.push(`    DuckDB SQL:\n      ${v.sql}`);
  }
  const delays = report.watermarkDelays.map((d) => `${d.table}.${d.column}: ${formatDelay(d.delayMs)}`).join(', ');
  if (report.lateDropped > 0) {
    out.push(`late: the stream dropped ${formatCount(report.lateDropped)} late record${report.lateDropped === 1 ? '' : 's'}, which arrived too late (after their windows fired, or behind a join's, OVER's or sort's watermark)${delays ? ` (watermark delay ${delays})` : ''}; DuckDB counts them, so they can explain a difference`);
  } else {
    out.push(`late: no records dropped${delays ? ` (watermark delay ${delays})` : ''}`);
  }
  const ttl = report.stateTtl;
  if (ttl !== undefined) {
    const setting = [ttl.ttlMs > 0 ? `'table.exec.state.ttl' = ${formatTtl(ttl.ttlMs)}` : '', ttl.hinted > 0 ? `STATE_TTL hints on ${ttl.hinted} operator${ttl.hinted === 1 ? '' : 's'}` : ''].filter((x) => x !== '').join(' and ');
    out.push(
      `state TTL: ${setting} is set, so the stream drops join rows and aggregate groups idle that long (${formatCount(ttl.expired)} expired in this run); DuckDB keeps everything, so expired state can explain a difference`,
    );
  }
  return out.join('\n') + '\n';
}
