CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '500000');
CREATE TABLE out (auction BIGINT, a BIGINT, b BIGINT, c BIGINT, n BIGINT) WITH ('connector' = 'blackhole');
-- V shape: a start, strictly falling prices, then a rise above the bottom
INSERT INTO out SELECT * FROM bid MATCH_RECOGNIZE (
  PARTITION BY auction
  ORDER BY date_time
  MEASURES START_ROW.price AS a, LAST(DOWN.price) AS b, UP.price AS c, COUNT(DOWN.price) AS n
  ONE ROW PER MATCH
  AFTER MATCH SKIP TO LAST UP
  PATTERN (START_ROW DOWN+ UP) WITHIN INTERVAL '10' SECOND
  DEFINE
    DOWN AS (LAST(DOWN.price, 1) IS NULL AND DOWN.price < START_ROW.price) OR DOWN.price < LAST(DOWN.price, 1),
    UP AS UP.price > LAST(DOWN.price, 1)
) AS m;
