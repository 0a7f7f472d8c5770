// Crash points for tests. A test names one point in the environment variable
// WEIR_TEST_CRASH_AT; the process then kills itself with SIGKILL (a real process death: no
// cleanup, no exit handlers, connections dropped by the kernel) the first time it reaches that
// point. The points sit in windows too short for a test to hit from outside, such as between a
// checkpoint completing and a sink committing it. Unset (always, outside tests), a point costs
// one comparison. The points:
// - 'jdbc-sink-commit': a checkpoint completed; the exactly-once jdbc sink is about to COMMIT
//   PREPARED its transaction (which is still prepared).
// - 'postgres-cdc-confirm': a checkpoint completed; the postgres-cdc source is about to confirm
//   its position to the replication slot (which still has the older one).

const crashAt = process.env.WEIR_TEST_CRASH_AT;

export function crashPoint(name: string): void {
  if (crashAt === name) process.kill(process.pid, 'SIGKILL');
}
