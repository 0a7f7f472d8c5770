-- Nexmark q0 — pass through.
-- Reads every bid and forwards auction, bidder, price, time and extra unchanged. It measures
-- the cost of the source and the framework; there is no state.

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
  auction   BIGINT,
  bidder    BIGINT,
  price     BIGINT,
  date_time TIMESTAMP(3),
  extra     STRING
) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT auction, bidder, price, date_time, extra FROM bid;
