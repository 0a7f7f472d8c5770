-- Nexmark q9 — winning bids.
-- Each auction with its winning bid: the highest bid made while the auction was open, the
-- earlier one among equal prices. A regular join (A.id = B.auction, the BETWEEN stays a
-- residual condition: its upper bound `expires` is not a time attribute, so it is not an
-- interval join) feeding a Top-N (ROW_NUMBER() ... PARTITION BY A.id ORDER BY B.price DESC,
-- B.`dateTime` ASC, rownum <= 1). The join's output has no time attribute (a regular join's
-- output does not keep one), so the Top-N orders by plain values; its output is updating: a
-- higher bid replaces the auction's winner (-U/+U). The join holds every auction and every
-- bid, the Top-N the first row of each auction.
--
-- Below weir's DDL is the query file of the Nexmark benchmark for Flink
-- (github.com/nexmark/nexmark, nexmark-flink/src/main/resources/queries/q9.sql), unchanged.
-- It reads upstream's views person, auction and bid (camelCase columns, `dateTime`), which
-- the views below define over weir's nexmark tables, as upstream's ddl_views.sql does.
-- events.num = 100,000 keeps `weir verify` quick; raise it for a longer run.

CREATE TABLE auction_events (
  id          BIGINT,
  item_name   STRING,
  description STRING,
  initial_bid BIGINT,
  reserve     BIGINT,
  date_time   TIMESTAMP(3),
  expires     TIMESTAMP(3),
  seller      BIGINT,
  category    BIGINT,
  extra       STRING,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'auction',
  'events.num'    = '100000'
);

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
  'events.num'    = '100000'
);

CREATE VIEW auction AS
SELECT id, item_name AS itemName, description, initial_bid AS initialBid, reserve,
       date_time AS `dateTime`, expires, seller, category, extra
FROM auction_events;

CREATE VIEW bid AS
SELECT auction, bidder, price, channel, url, date_time AS `dateTime`, extra
FROM bid_events;

-- -------------------------------------------------------------------------------------------------
-- Query 9: Winning Bids (Not in original suite)
-- -------------------------------------------------------------------------------------------------
-- Find the winning bid for each auction.
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q9 (
  id  BIGINT,
  itemName  VARCHAR,
  description  VARCHAR,
  initialBid  BIGINT,
  reserve  BIGINT,
  `dateTime`  TIMESTAMP(3),
  expires  TIMESTAMP(3),
  seller  BIGINT,
  category  BIGINT,
  extra  VARCHAR,
  auction  BIGINT,
  bidder  BIGINT,
  price  BIGINT,
  bid_dateTime  TIMESTAMP(3),
  bid_extra  VARCHAR
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q9
SELECT
    id, itemName, description, initialBid, reserve, `dateTime`, expires, seller, category, extra,
    auction, bidder, price, bid_dateTime, bid_extra
FROM (
   SELECT A.*, B.auction, B.bidder, B.price, B.`dateTime` AS bid_dateTime, B.extra AS bid_extra,
     ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.`dateTime` ASC) AS rownum
   FROM auction A, bid B
   WHERE A.id = B.auction AND B.`dateTime` BETWEEN A.`dateTime` AND A.expires
)
WHERE rownum <= 1;
