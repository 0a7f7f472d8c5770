-- GROUPING SETS, ROLLUP and CUBE over the Nexmark bid stream.
--
-- 1. An updating report: bids and their total per channel and price band, with subtotals
--    per channel and a grand total (ROLLUP). GROUPING_ID tells a subtotal's NULL apart from
--    a NULL in the data. The result is a changelog, refined as bids arrive.
-- 2. Per 10-second window: bids per channel and in total (GROUPING SETS next to the window
--    columns), each window emitted once, when it closes.

CREATE TABLE bid (
  auction   BIGINT,
  bidder    BIGINT,
  price     BIGINT,
  channel   STRING,
  date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'bid',
  'events.num'    = '1000000'
);

SELECT
  channel,
  CASE WHEN price < 10000 THEN 'low' WHEN price < 1000000 THEN 'mid' ELSE 'high' END AS band,
  COUNT(*)                AS bids,
  SUM(price)              AS total,
  COUNT(DISTINCT bidder)  AS bidders,
  GROUPING_ID(channel, CASE WHEN price < 10000 THEN 'low' WHEN price < 1000000 THEN 'mid' ELSE 'high' END) AS level
FROM bid
GROUP BY ROLLUP (channel, CASE WHEN price < 10000 THEN 'low' WHEN price < 1000000 THEN 'mid' ELSE 'high' END);

SELECT
  window_start,
  window_end,
  channel,
  COUNT(*)   AS bids,
  MAX(price) AS top_price,
  GROUPING(channel) AS all_channels
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, GROUPING SETS ((channel), ());
