-- Scans of signed-in people (a scan links to a person only when their app
-- sent their session with it), kept for --history_retention (90 days).
CREATE TABLE scan_history (
  event_id VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id VARCHAR(32) NOT NULL,
  code_id VARCHAR(32) NOT NULL,
  campaign_id VARCHAR(32) NOT NULL,
  scan_time DATETIME(6) NOT NULL,
  KEY by_owner (account_id, scan_time, event_id),
  KEY by_time (scan_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
