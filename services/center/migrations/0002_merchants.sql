-- Merchants: profile, qualification (business licence), location and the
-- business switches of patent claim 3.
CREATE TABLE merchants (
  id CHAR(26) NOT NULL PRIMARY KEY,
  owner_account_id CHAR(26) NOT NULL,
  display_name VARCHAR(255) NOT NULL,
  description TEXT NOT NULL,
  contact_phone VARCHAR(32) NOT NULL DEFAULT '',
  contact_email VARCHAR(254) NOT NULL DEFAULT '',
  website_url VARCHAR(2048) NOT NULL DEFAULT '',
  qualification_state VARCHAR(16) NOT NULL DEFAULT 'NONE',
  license_number CHAR(18) NULL,
  legal_name VARCHAR(512) NULL,
  qualification_reasons TEXT NULL,
  qualification_submitted_at DATETIME(6) NULL,
  qualification_decided_at DATETIME(6) NULL,
  lat DOUBLE NULL,
  lng DOUBLE NULL,
  address VARCHAR(1024) NOT NULL DEFAULT '',
  cloud_business_enabled BOOLEAN NOT NULL DEFAULT TRUE,
  landing_business_enabled BOOLEAN NOT NULL DEFAULT FALSE,
  agent_id CHAR(26) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY merchants_owner (owner_account_id),
  KEY merchants_qualification (qualification_state, id)
) ENGINE=InnoDB;
