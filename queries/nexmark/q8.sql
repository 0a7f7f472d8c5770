-- Nexmark q8 — monitor new users.
-- The people who registered and created an auction within the same 10-second tumbling window:
-- a window join of two window aggregations (persons per window, sellers per window) on the
-- person id and the window bounds. Each window's result is emitted once, when the watermark
-- passes its end, and the join's state for that window is freed. Below the DDL is upstream's
-- query text (nexmark-flink q8.sql), unchanged; the views give the generator's columns the
-- names upstream's DDL uses (`dateTime`).

CREATE TABLE person_source (
  id            BIGINT,
  name          STRING,
  email_address STRING,
  credit_card   STRING,
  city          STRING,
  state         STRING,
  date_time     TIMESTAMP(3),
  extra         STRING,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'person',
  'events.num'    = '1000000'
);

CREATE TABLE auction_source (
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
  'events.num'    = '1000000'
);

CREATE VIEW person AS
SELECT id, name, email_address AS emailAddress, credit_card AS creditCard, city, state, date_time AS `dateTime`, extra
FROM person_source;

CREATE VIEW auction AS
SELECT id, item_name AS itemName, description, initial_bid AS initialBid, reserve, date_time AS `dateTime`, expires, seller, category, extra
FROM auction_source;

-- -------------------------------------------------------------------------------------------------
-- Query 8: Monitor New Users
-- -------------------------------------------------------------------------------------------------
-- Select people who have entered the system and created auctions in the last period.
-- Illustrates a simple join.
--
-- The original Nexmark Query8 monitors the new users the last 12 hours, updated every 12 hours.
-- To make things a bit more dynamic and easier to test we use much shorter windows (10 seconds).
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q8 (
  id  BIGINT,
  name  VARCHAR,
  stime  TIMESTAMP(3)
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q8
SELECT P.id, P.name, P.starttime
FROM (
  SELECT id, name,
        window_start AS starttime,
        window_end AS endtime
  FROM TABLE(
            TUMBLE(TABLE person, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
  GROUP BY id, name, window_start, window_end
) P
JOIN (
  SELECT seller,
        window_start AS starttime,
        window_end AS endtime
  FROM TABLE(
        TUMBLE(TABLE auction, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
  GROUP BY seller, window_start, window_end
) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;
