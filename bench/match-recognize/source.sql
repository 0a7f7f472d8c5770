CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '500000');
CREATE TABLE out (auction BIGINT, a BIGINT, b BIGINT, c BIGINT, n BIGINT) WITH ('connector' = 'blackhole');
