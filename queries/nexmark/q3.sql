-- Nexmark q3 — local item suggestion (a regular join).
-- Auctions in category 10 joined with their sellers from Oregon, Idaho or California: an
-- inner regular join of two append-only inputs (auction.seller = person.id) with the filters
-- pushed below it. Its output is append-only; its state holds every filtered auction and
-- person (no TTL: it grows with the input).
--
-- Below weir's DDL is the query file of the Nexmark benchmark for Flink
-- (github.com/nexmark/nexmark, nexmark-flink/src/main/resources/queries/q3.sql), unchanged.
-- It reads upstream's views person, auction and bid (camelCase columns, `dateTime`), which
-- the views below define over weir's nexmark tables, as upstream's ddl_views.sql does.
-- events.num = 1,000,000 keeps `weir verify` quick; raise it for a longer run.

CREATE TABLE person_events (
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
  'events.num'    = '1000000'
);

CREATE VIEW person AS
SELECT id, name, email_address AS emailAddress, credit_card AS creditCard, city, state,
       date_time AS `dateTime`, extra
FROM person_events;

CREATE VIEW auction AS
SELECT id, item_name AS itemName, description, initial_bid AS initialBid, reserve,
       date_time AS `dateTime`, expires, seller, category, extra
FROM auction_events;

-- -------------------------------------------------------------------------------------------------
-- Query 3: Local Item Suggestion
-- -------------------------------------------------------------------------------------------------
-- Who is selling in OR, ID or CA in category 10, and for what auction ids?
-- Illustrates an incremental join (using per-key state and timer) and filter.
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q3 (
  name  VARCHAR,
  city  VARCHAR,
  state  VARCHAR,
  id  BIGINT
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q3
SELECT
    P.name, P.city, P.state, A.id
FROM
    auction AS A INNER JOIN person AS P on A.seller = P.id
WHERE
    A.category = 10 and (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
