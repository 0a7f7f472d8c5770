-- Nexmark q4 — average winning price per category.
-- Each auction's highest bid among the bids made while it was open, then the average of
-- those per category. A regular join (a.id = b.auction, the BETWEEN stays a residual
-- condition: its upper bound `expires` is not a time attribute, so it is not an interval
-- join) feeding two updating aggregates: MAX per auction, then AVG over MAX's changelog.
-- The join holds every auction and every bid.
--
-- Below weir's DDL is the query file of the Nexmark benchmark for Flink
-- (github.com/nexmark/nexmark, nexmark-flink/src/main/resources/queries/q4.sql), unchanged.
-- It reads upstream's views person, auction and bid (camelCase columns, `dateTime`), which
-- the views below define over weir's nexmark tables, as upstream's ddl_views.sql does.
-- events.num = 200,000 keeps `weir verify` quick; raise it for a longer run.

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
  'events.num'    = '200000'
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
  'events.num'    = '200000'
);

CREATE VIEW auction AS
SELECT id, item_name AS itemName, description, initial_bid AS initialBid, reserve,
       date_time AS `dateTime`, expires, seller, category, extra
FROM auction_events;

CREATE VIEW bid AS
SELECT auction, bidder, price, channel, url, date_time AS `dateTime`, extra
FROM bid_events;

-- -------------------------------------------------------------------------------------------------
-- Query 4: Average Price for a Category
-- -------------------------------------------------------------------------------------------------
-- Select the average of the wining bid prices for all auctions in each category.
-- Illustrates complex join and aggregation.
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q4 (
  id BIGINT,
  final BIGINT
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q4
SELECT
    Q.category,
    AVG(Q.final)
FROM (
    SELECT MAX(B.price) AS final, A.category
    FROM auction A, bid B
    WHERE A.id = B.auction AND B.`dateTime` BETWEEN A.`dateTime` AND A.expires
    GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
