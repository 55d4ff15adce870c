-- Audit tasks: one per submission (the id of the event that carried it), and
-- the decisions waiting to reach the service that owns what was audited.
CREATE TABLE tasks (
  id CHAR(26) NOT NULL PRIMARY KEY,
  subject VARCHAR(32) NOT NULL,
  subject_id VARCHAR(64) NOT NULL,
  merchant_id VARCHAR(64) NOT NULL DEFAULT '',
  submission_id VARCHAR(64) NOT NULL,
  state VARCHAR(16) NOT NULL,
  -- JSON arrays of strings.
  findings TEXT NOT NULL,
  reasons TEXT NOT NULL,
  snapshot_json MEDIUMTEXT NOT NULL,
  decided_by VARCHAR(64) NULL,
  created_at DATETIME(6) NOT NULL,
  decided_at DATETIME(6) NULL,
  UNIQUE KEY tasks_submission (submission_id),
  KEY tasks_queue (state, subject, id),
  KEY tasks_subject (subject_id, id)
) ENGINE=InnoDB;

-- A decision stays here until the owning service has it (applied_at set);
-- a background loop retries with backoff (next_attempt_at) until then.
CREATE TABLE decisions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id CHAR(26) NOT NULL,
  subject VARCHAR(32) NOT NULL,
  subject_id VARCHAR(64) NOT NULL,
  submission_id VARCHAR(64) NOT NULL,
  approve BOOLEAN NOT NULL,
  reasons TEXT NOT NULL,
  decided_by VARCHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6) NOT NULL,
  last_error TEXT NULL,
  applied_at DATETIME(6) NULL,
  -- applied | superseded | subject_gone
  outcome VARCHAR(32) NULL,
  UNIQUE KEY decisions_task (task_id),
  KEY decisions_due (applied_at, next_attempt_at, id)
) ENGINE=InnoDB;
