-- Nexmark q1 — currency conversion.
-- Every bid with its price converted from dollars to euros (x 0.908). The decimal literal
-- makes the price a DECIMAL (weir carries DECIMAL as a DOUBLE and prints it at its scale).

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
  price     DECIMAL(23, 3),
  date_time TIMESTAMP(3),
  extra     STRING
) WITH ('connector' = 'blackhole');

INSERT INTO discard_sink
SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid;
