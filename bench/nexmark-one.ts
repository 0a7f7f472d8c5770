// One Nexmark query file run by weir in this process, for the suite (bench/nexmark-suite.ts),
// which starts a process per (query, parallelism) so that each has its own peak RSS.
// Usage: node dist/bench/nexmark-one.js <queries/nexmark/qN.sql> <events> <parallelism>
// Prints one JSON line: { seconds, resultRows, maxRssBytes } or { error }.

import { runWeirFile } from './common.js';

const [file, events, parallelism] = process.argv.slice(2);
try {
  const m = await runWeirFile({ file: file!, events: Number(events) }, Number(parallelism));
  // maxRSS: the process's peak resident set (KiB), worker threads included
  console.log(JSON.stringify({ ...m, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
}
process.exit(0);
