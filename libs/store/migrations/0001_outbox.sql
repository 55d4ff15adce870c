-- The outbox (libs/store/outbox.h): events written in the same transaction as
-- the change they describe, then relayed to their Redis stream. Shared by
-- every service that publishes events; the service kit applies it after the
-- service's own migrations (IF NOT EXISTS: the center made the same table in
-- its own 0003_outbox.sql before this was shared).
CREATE TABLE IF NOT EXISTS outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(26) NOT NULL,
  stream VARCHAR(64) NOT NULL,
  type VARCHAR(64) NOT NULL,
  data MEDIUMTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  UNIQUE KEY outbox_event (event_id),
  KEY outbox_pending (published_at, id)
) ENGINE=InnoDB;
