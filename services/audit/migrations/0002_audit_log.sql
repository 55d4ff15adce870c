-- Every decision, automatic or by an auditor: who, what, why, when.
-- Append-only, enforced by the database itself: rows can be inserted, never
-- changed or deleted (the triggers refuse with SQLSTATE 45000).
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  -- "auto" or the auditor's account id.
  actor VARCHAR(64) NOT NULL,
  -- approve | reject | queue
  action VARCHAR(32) NOT NULL,
  subject VARCHAR(32) NOT NULL,
  subject_id VARCHAR(64) NOT NULL,
  task_id CHAR(26) NOT NULL,
  submission_id VARCHAR(64) NOT NULL,
  -- JSON array of strings.
  reasons TEXT NOT NULL,
  KEY audit_log_subject (subject_id, id)
) ENGINE=InnoDB;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
