-- Once a merchant has submitted its qualification, edits of what its public
-- pages show go through audit: the edit waits in profile_proposed (JSON of
-- qrcloud.v1.ProfileEdit) while the pages keep the approved profile.
ALTER TABLE merchants
  ADD COLUMN profile_review_state VARCHAR(16) NOT NULL DEFAULT 'NONE',
  ADD COLUMN profile_review_reasons TEXT NULL,
  ADD COLUMN profile_proposed TEXT NULL,
  ADD COLUMN profile_submission_id CHAR(26) NULL,
  ADD COLUMN profile_submitted_at DATETIME(6) NULL,
  ADD COLUMN profile_decided_at DATETIME(6) NULL;
