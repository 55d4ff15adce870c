-- Partners' earnings (docs/settlement.md): what settlement knows of each
-- partner platform, from the partner service's `partners` stream: whether it
-- is approved, how long its earnings are held and its least payout.
CREATE TABLE partners (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  state VARCHAR(16) NOT NULL,
  holding_days INT NOT NULL,
  min_payout BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;
