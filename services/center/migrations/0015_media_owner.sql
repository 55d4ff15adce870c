-- People upload images too (POST /v1/me/media): the uploader, and their
-- uploads by time (a daily bound per person).
ALTER TABLE media ADD COLUMN account_id CHAR(26) NULL, ADD KEY media_account (account_id, created_at);
