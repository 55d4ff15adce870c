-- Landing business is enabled through audit (patent claim 3): the merchant
-- asks, the audit service decides, and only an approval turns it on.
ALTER TABLE merchants
  ADD COLUMN landing_review_state VARCHAR(16) NOT NULL DEFAULT 'NONE',
  ADD COLUMN landing_review_reasons TEXT NULL,
  ADD COLUMN landing_submission_id CHAR(26) NULL,
  ADD COLUMN landing_submitted_at DATETIME(6) NULL,
  ADD COLUMN landing_decided_at DATETIME(6) NULL;
