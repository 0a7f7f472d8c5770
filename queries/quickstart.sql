-- weir quickstart: a live tumbling-window aggregation over the Nexmark bid stream.
--
-- The built-in nexmark generator plays an online auction: 1,000,000 events (92% of them
-- bids) spread over 100 seconds of event time. Every 10 seconds of event time one window
-- closes and its row is printed: how many bids, from how many distinct bidders, the top and
-- the average price. A 4-second watermark delay lets slightly late bids still count.

CREATE TABLE bid (
  auction   BIGINT,
  bidder    BIGINT,
  price     BIGINT,
  channel   STRING,
  date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (
  'connector'        = 'nexmark',
  'nexmark.table'    = 'bid',
  'events.num'       = '1000000',
  'first-event.rate' = '10000',
  'rows-per-second'  = '250000'
);

SELECT
  window_start,
  window_end,
  COUNT(*)               AS bids,
  COUNT(DISTINCT bidder) AS bidders,
  MAX(price)             AS top_price,
  AVG(price)             AS avg_price
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
