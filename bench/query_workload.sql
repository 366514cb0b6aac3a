-- The query benchmark's workload: exactly 10,000,000 row events, written fast
-- (multi-row INSERT ... SELECT from the SEQUENCE engine, 100,000 rows per
-- transaction) and spread over 24 hours of binlog time with SET TIMESTAMP,
-- so the index holds 24 hourly partitions as a day of traffic would:
--   bench.simple  9,000,000 INSERT rows (ids 1..9,000,000)
--                   900,000 UPDATE rows (every 10th id: those keys have two events)
--   bench.pair      100,000 INSERT rows, composite key (a, b)
-- Tables stay narrow so generation is quick; the index cost that matters for
-- a --pk lookup is the number of events, not their width.
CREATE DATABASE IF NOT EXISTS bench;
USE bench;
DROP TABLE IF EXISTS simple;
DROP TABLE IF EXISTS pair;
CREATE TABLE simple (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  v INT NOT NULL,
  s VARCHAR(32) NOT NULL
) ENGINE=InnoDB;
CREATE TABLE pair (
  a INT NOT NULL,
  b INT NOT NULL,
  v INT NOT NULL,
  PRIMARY KEY (a, b)
) ENGINE=InnoDB;

-- 2026-01-01 00:00:00 UTC; batch k of 100 lands 864 s (24 h / 100) later.
SET @base = 1767225600;

DROP PROCEDURE IF EXISTS fill;
DELIMITER //
CREATE PROCEDURE fill()
BEGIN
  DECLARE b INT DEFAULT 0;
  WHILE b < 90 DO
    SET TIMESTAMP = @base + b * 864;
    START TRANSACTION;
    INSERT INTO simple
    SELECT b * 100000 + seq, seq % 1000, CONCAT('row-', b * 100000 + seq)
    FROM seq_1_to_100000;
    COMMIT;
    SET b = b + 1;
  END WHILE;
  -- 900,000 updates: every 10th id, 100,000 per transaction.
  SET b = 0;
  WHILE b < 9 DO
    SET TIMESTAMP = @base + (90 + b) * 864;
    START TRANSACTION;
    UPDATE simple SET v = v + 1 WHERE id BETWEEN b * 1000000 + 1 AND (b + 1) * 1000000 AND id % 10 = 0;
    COMMIT;
    SET b = b + 1;
  END WHILE;
  SET TIMESTAMP = @base + 99 * 864;
  START TRANSACTION;
  INSERT INTO pair SELECT 1 + (seq - 1) DIV 100, 1 + (seq - 1) % 100, seq FROM seq_1_to_100000;
  COMMIT;
  SET TIMESTAMP = DEFAULT;
END//
DELIMITER ;

CALL fill();
DROP PROCEDURE fill;
FLUSH BINARY LOGS;
