-- Nexmark q22 — get URL directories.
-- Each bid with the three directory levels of its URL (parts 3, 4 and 5 of the URL split on
-- '/', counting from 0).

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
  auction BIGINT,
  bidder  BIGINT,
  price   BIGINT,
  channel STRING,
  dir1    STRING,
  dir2    STRING,
  dir3    STRING
) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT
  auction, bidder, price, channel,
  SPLIT_INDEX(url, '/', 3) AS dir1,
  SPLIT_INDEX(url, '/', 4) AS dir2,
  SPLIT_INDEX(url, '/', 5) AS dir3
FROM bid;
