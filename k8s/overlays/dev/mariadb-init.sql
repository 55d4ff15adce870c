-- DEV ONLY. Run once by the mariadb image on an empty data volume, after it
-- has created the user from MARIADB_USER / MARIADB_PASSWORD.
-- Each qrcloud service creates its own database (qrcloud_center,
-- qrcloud_audit, ...) at start; this grant lets it (and the audit service's
-- triggers), and covers services added later. The user name must equal QRCLOUD_MYSQL_USER in the base.
GRANT ALL PRIVILEGES ON `qrcloud\_%`.* TO 'qrcloud'@'%';
