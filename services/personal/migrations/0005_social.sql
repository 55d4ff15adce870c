-- Reviews, circles, shares and comments (social_logic.h), each with its
-- moderation: the state, the submission the audit service decides on, the
-- open report's submission, and the reasons of a rejection.
CREATE TABLE reviews (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  campaign_id VARCHAR(32) NOT NULL,
  merchant_id VARCHAR(32) NOT NULL,
  account_id VARCHAR(32) NOT NULL,
  author_name VARCHAR(200) NOT NULL,
  request_id VARCHAR(64) NULL,
  rating TINYINT NOT NULL,
  body TEXT NOT NULL,
  image_urls TEXT NOT NULL,
  verified BOOLEAN NOT NULL,
  state VARCHAR(16) NOT NULL,
  submission_id VARCHAR(64) NOT NULL,
  report_submission_id VARCHAR(64) NOT NULL DEFAULT '',
  reasons TEXT NOT NULL,
  reply VARCHAR(4000) NOT NULL DEFAULT '',
  reply_time DATETIME(6) NULL,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY by_author (campaign_id, account_id),
  UNIQUE KEY by_request (account_id, request_id),
  KEY by_campaign (campaign_id, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The visible reviews of each campaign, summed as they come and go.
CREATE TABLE campaign_ratings (
  campaign_id VARCHAR(32) NOT NULL PRIMARY KEY,
  rating_sum BIGINT NOT NULL,
  review_count BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who reported what: one report per person and item.
CREATE TABLE reports (
  kind VARCHAR(8) NOT NULL,
  item_id VARCHAR(32) NOT NULL,
  account_id VARCHAR(32) NOT NULL,
  reason VARCHAR(2000) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (kind, item_id, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- min/max lat/lng bound a LOCATION circle's area, to find the circles
-- around a point; friends_owner makes one FRIENDS circle per person.
CREATE TABLE circles (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  owner_account_id VARCHAR(32) NOT NULL,
  request_id VARCHAR(64) NULL,
  name VARCHAR(400) NOT NULL,
  basis VARCHAR(16) NOT NULL,
  interest VARCHAR(160) NOT NULL,
  lat DOUBLE NOT NULL,
  lng DOUBLE NOT NULL,
  radius_m INT NOT NULL,
  min_lat DOUBLE NOT NULL,
  max_lat DOUBLE NOT NULL,
  min_lng DOUBLE NOT NULL,
  max_lng DOUBLE NOT NULL,
  friends_owner VARCHAR(32) NULL,
  member_count INT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY by_request (owner_account_id, request_id),
  UNIQUE KEY by_friends_owner (friends_owner),
  KEY by_owner (owner_account_id),
  KEY by_interest (basis, interest),
  KEY by_box (basis, min_lat, max_lat)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE circle_members (
  account_id VARCHAR(32) NOT NULL,
  circle_id VARCHAR(32) NOT NULL,
  join_time DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, circle_id),
  KEY by_circle (circle_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE shares (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  circle_id VARCHAR(32) NOT NULL,
  account_id VARCHAR(32) NOT NULL,
  author_name VARCHAR(200) NOT NULL,
  request_id VARCHAR(64) NULL,
  body TEXT NOT NULL,
  image_urls TEXT NOT NULL,
  links TEXT NOT NULL,
  campaign_id VARCHAR(32) NOT NULL,
  code_id VARCHAR(32) NOT NULL,
  state VARCHAR(16) NOT NULL,
  submission_id VARCHAR(64) NOT NULL,
  report_submission_id VARCHAR(64) NOT NULL DEFAULT '',
  reasons TEXT NOT NULL,
  comment_count INT NOT NULL DEFAULT 0,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY by_request (account_id, request_id),
  KEY by_circle (circle_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE comments (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  share_id VARCHAR(32) NOT NULL,
  account_id VARCHAR(32) NOT NULL,
  author_name VARCHAR(200) NOT NULL,
  request_id VARCHAR(64) NULL,
  body VARCHAR(4000) NOT NULL,
  state VARCHAR(16) NOT NULL,
  submission_id VARCHAR(64) NOT NULL,
  reasons TEXT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY by_request (account_id, request_id),
  KEY by_share (share_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- "Verified" reviews ask whether the person had an order redeemed.
ALTER TABLE order_facts ADD KEY by_buyer (account_id, campaign_id);
