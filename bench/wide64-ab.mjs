// usage: node bench/wide64-ab.mjs <a build's dist dir> <wdistinct|join|over> <parallelism>
// Wide BIGINT in more operators (branch wide64): the narrow case must cost what it did.
// (generates bids once into /tmp/wide64-bench/data, 1M by default; EVENTS=n for another size)
import { runAb } from './ab-harness.mjs';
const [dist, q, par] = process.argv.slice(2);
const Q = {
  // window aggregate with a shared DISTINCT, MIN/MAX and SUM (window-aggregate, shared-distinct)
  wdistinct: `INSERT INTO sink_t SELECT auction, window_start, COUNT(DISTINCT bidder), SUM(price), MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  // regular join of an updating aggregate with the bids (JoinRows: both sides stored, carried BIGINT columns)
  join: `INSERT INTO sink_u SELECT b.auction, b.price, m.hi, b.bidder FROM bid b JOIN (SELECT auction, MAX(price) AS hi FROM bid GROUP BY auction) m ON b.auction = m.auction;`,
  // OVER (RowStore, partition keys)
  over: `INSERT INTO sink_u SELECT auction, price, SUM(price) OVER w, MAX(bidder) OVER w FROM bid WINDOW w AS (PARTITION BY auction ORDER BY date_time ROWS BETWEEN 5 PRECEDING AND CURRENT ROW);`,
};
await runAb(dist, '/tmp/wide64-bench/data', q, Q[q], par);
