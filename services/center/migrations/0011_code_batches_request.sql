-- Batch creation keeps its own idempotency: a retried request id answers
-- with the batch it made (a 10,000-code answer is too large for the Redis
-- layer to keep). request_hash tells a retry from a different request.
ALTER TABLE code_batches
  ADD COLUMN request_id VARCHAR(128) NULL,
  ADD COLUMN request_hash CHAR(64) NULL,
  ADD UNIQUE KEY code_batches_request (owner_account_id, request_id);
