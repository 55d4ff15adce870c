-- The rollup's exactly-once state is bounded: a row per stream entry (a
-- gateway batch of scans) only while the entry may still be delivered again
-- (applied, not yet acknowledged), instead of a row per scan forever.
CREATE TABLE scan_rollup_entries (
  entry_id VARCHAR(40) NOT NULL PRIMARY KEY,
  applied_at DATETIME(6) NOT NULL,
  KEY scan_rollup_entries_at (applied_at)
) ENGINE=InnoDB;

DROP TABLE scan_events_applied;
