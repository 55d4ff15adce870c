-- A person's interests and location, as they chose to share them.
CREATE TABLE profiles (
  account_id VARCHAR(32) NOT NULL PRIMARY KEY,
  interests VARCHAR(2000) NOT NULL,
  lat DOUBLE NULL,
  lng DOUBLE NULL,
  live BOOLEAN NOT NULL DEFAULT FALSE,
  precision_m INT NOT NULL DEFAULT 0,
  location_time DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
