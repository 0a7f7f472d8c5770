// usage: node bench/bigint-ab.mjs <a build's dist dir> <tumble|hop|groupby|arith> <parallelism>
// (generates 1M bids once into /tmp/bigint-bench/data; EVENTS=n for another size)
import { runAb } from './ab-harness.mjs';
const [dist, q, par] = process.argv.slice(2);
const Q = {
  tumble: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  hop: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  groupby: `INSERT INTO sink_u SELECT auction, COUNT(*), SUM(price), MAX(price) FROM bid GROUP BY auction;`,
  arith: `INSERT INTO sink_u SELECT auction, price * 2 + bidder, price - auction, bidder * 3 FROM bid WHERE price + 1 > 0;`,
};
await runAb(dist, '/tmp/bigint-bench/data', q, Q[q], par);
