-- The decode benchmark's workload: exactly 1,000,000 row events on a table of
-- mixed column types, written fast (multi-row INSERT ... SELECT from the
-- SEQUENCE engine in big transactions, then UPDATEs and DELETEs).
--   600,000 INSERT rows (6 transactions of 100,000)
--   250,000 UPDATE rows (before + after images, binlog_row_image=FULL)
--   150,000 DELETE rows
-- Values vary per row so no two events are byte-identical; every common
-- column family is present: integers signed and unsigned, FLOAT/DOUBLE,
-- DECIMAL, DATETIME(6), TIMESTAMP(3), utf8mb4 text, VARBINARY, ENUM, SET,
-- BIT, JSON and NULLs.
CREATE DATABASE IF NOT EXISTS bench;
USE bench;
SET time_zone = '+00:00';
DROP TABLE IF EXISTS mixed;
CREATE TABLE mixed (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  i_small SMALLINT NOT NULL,
  i_int INT NULL,
  i_big BIGINT UNSIGNED NOT NULL,
  f FLOAT NOT NULL,
  d DOUBLE NULL,
  amount DECIMAL(18,4) NOT NULL,
  created DATETIME(6) NOT NULL,
  changed TIMESTAMP(3) NULL,
  name VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL,
  note TEXT CHARACTER SET utf8mb4 NULL,
  token VARBINARY(16) NOT NULL,
  state ENUM('new','active','suspended','closed') NOT NULL,
  tags SET('a','b','c','d') NOT NULL,
  flag BIT(1) NOT NULL,
  doc JSON NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

DROP PROCEDURE IF EXISTS fill;
DELIMITER //
CREATE PROCEDURE fill(IN batches INT, IN per_batch INT)
BEGIN
  DECLARE b INT DEFAULT 0;
  WHILE b < batches DO
    START TRANSACTION;
    INSERT INTO mixed
    SELECT b * per_batch + n,
           (n % 65536) - 32768,
           IF(n % 10 = 0, NULL, n * 7919 - 1000000000),
           n * 2654435761,
           n / 7,
           IF(n % 13 = 0, NULL, n * PI()),
           (n * 12345.6789) % 100000000000000,
           '2024-01-01 00:00:00' + INTERVAL n SECOND + INTERVAL (n % 1000000) MICROSECOND,
           FROM_UNIXTIME(1700000000 + n + (n % 1000) / 1000),
           CONCAT('user-', n, IF(n % 3 = 0, ' Zoë 😀', ' plain')),
           IF(n % 4 = 0, NULL, REPEAT(CONCAT('note ', n, ' '), 1 + n % 5)),
           UNHEX(LPAD(HEX(n * 2654435761), 16, '0')),
           1 + n % 4,
           n % 16,
           n % 2,
           IF(n % 5 = 0, NULL, CONCAT('{"n":', n, ',"ok":true,"s":"v', n % 97, '"}'))
    FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_1000000 WHERE seq <= per_batch) AS g;
    COMMIT;
    SET b = b + 1;
  END WHILE;
END//
DELIMITER ;

CALL fill(6, 100000);
DROP PROCEDURE fill;

-- 250,000 updates in 5 transactions
START TRANSACTION;
UPDATE mixed SET i_int = IFNULL(i_int, 0) + 1, state = 'active', changed = changed + INTERVAL 1 SECOND,
  note = CONCAT(IFNULL(note, ''), ' (edited)') WHERE id BETWEEN 1 AND 50000;
COMMIT;
START TRANSACTION;
UPDATE mixed SET amount = amount * -1, tags = 'a,d', flag = 1 - flag WHERE id BETWEEN 50001 AND 100000;
COMMIT;
START TRANSACTION;
UPDATE mixed SET name = CONCAT(name, ' ✓'), doc = '{"edited":true}' WHERE id BETWEEN 100001 AND 150000;
COMMIT;
START TRANSACTION;
UPDATE mixed SET d = NULL, f = f * 2, created = created + INTERVAL 1 DAY WHERE id BETWEEN 150001 AND 200000;
COMMIT;
START TRANSACTION;
UPDATE mixed SET i_big = i_big + 1, token = UNHEX('00FF00FF'), state = 'closed' WHERE id BETWEEN 200001 AND 250000;
COMMIT;

-- 150,000 deletes in 3 transactions
START TRANSACTION;
DELETE FROM mixed WHERE id BETWEEN 450001 AND 500000;
COMMIT;
START TRANSACTION;
DELETE FROM mixed WHERE id BETWEEN 500001 AND 550000;
COMMIT;
START TRANSACTION;
DELETE FROM mixed WHERE id BETWEEN 550001 AND 600000;
COMMIT;

FLUSH BINARY LOGS;
