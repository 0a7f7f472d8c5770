-- Nexmark q7 — highest bid per 10-second period.
-- A tumbling-window MAX(price) joined back with the bids on the price, keeping the bids of
-- that window's period. The window aggregate's window_end is a plain TIMESTAMP, so this is
-- a regular join (the BETWEEN is its residual condition) and its output has no time
-- attribute. The join's state holds every bid (no TTL). Upstream's INSERT lists price before
-- bidder while its sink declares bidder first; INSERT is positional, so the sink's `bidder`
-- column receives the price (both BIGINT). Kept as upstream has it.
--
-- Below weir's DDL is the query file of the Nexmark benchmark for Flink
-- (github.com/nexmark/nexmark, nexmark-flink/src/main/resources/queries/q7.sql), unchanged.
-- It reads upstream's views person, auction and bid (camelCase columns, `dateTime`), which
-- the views below define over weir's nexmark tables, as upstream's ddl_views.sql does.
-- events.num = 300,000 keeps `weir verify` quick; raise it for a longer run.

CREATE TABLE bid_events (
  auction   BIGINT,
  bidder    BIGINT,
  price     BIGINT,
  channel   STRING,
  url       STRING,
  date_time TIMESTAMP(3),
  extra     STRING,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'bid',
  'events.num'    = '300000'
);

CREATE VIEW bid AS
SELECT auction, bidder, price, channel, url, date_time AS `dateTime`, extra
FROM bid_events;

-- -------------------------------------------------------------------------------------------------
-- Query 7: Highest Bid
-- -------------------------------------------------------------------------------------------------
-- What are the highest bids per period?
-- Deliberately implemented using a side input to illustrate fanout.
--
-- The original Nexmark Query7 calculate the highest bids in the last minute.
-- We will use a shorter window (10 seconds) to help make testing easier.
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q7 (
  auction  BIGINT,
  bidder  BIGINT,
  price  BIGINT,
  `dateTime`  TIMESTAMP(3),
  extra  VARCHAR
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q7
SELECT B.auction, B.price, B.bidder, B.`dateTime`, B.extra
from bid B
JOIN (
  SELECT MAX(price) AS maxprice, window_end as `dateTime`
  FROM TABLE(
          TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end
) B1
ON B.price = B1.maxprice
WHERE B.`dateTime` BETWEEN B1.`dateTime`  - INTERVAL '10' SECOND AND B1.`dateTime`;
