-- Nexmark q19 — auction top-10 price (not in the original suite).
-- The 10 highest bids of each auction, with their rank: a Top-N (ROW_NUMBER() ... ORDER BY
-- price DESC, rank_number <= 10). An updating result: a higher bid pushes the others down.

CREATE TABLE bid (
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
  'events.num'    = '1000000'
);

CREATE TABLE discard_sink (
  auction     BIGINT,
  bidder      BIGINT,
  price       BIGINT,
  channel     STRING,
  url         STRING,
  date_time   TIMESTAMP(3),
  extra       STRING,
  rank_number BIGINT
) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT * FROM
(SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
WHERE rank_number <= 10;
