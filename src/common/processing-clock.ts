// The processing-time clock: the wall clock in epoch milliseconds, made monotone per thread.
//
// Processing time in weir is materialised: PROCTIME() writes the clock into a column where it
// is evaluated, and in a job that uses processing time every source emits the clock as its
// watermark (exec/source-task.ts). Because the clock never goes back, a row stamped after a
// watermark left its source has a time above that watermark, so a processing-time window
// never sees a late row. (Date.now() is the system clock, shared by worker threads; a system
// clock stepped backwards across threads could still make a row late: it would be counted
// as late, never dropped silently.)

let last = -Infinity;

/** The current processing time in epoch milliseconds, never below an earlier reading. */
export function processingTimeNow(): number {
  const now = Date.now();
  if (now > last) last = now;
  return last;
}
