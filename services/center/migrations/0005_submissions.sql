-- Which submission an audit decision answers: the id of the audit event
-- that carried it. A decision for an older submission is ignored.
ALTER TABLE merchants ADD COLUMN qualification_submission_id CHAR(26) NULL;
