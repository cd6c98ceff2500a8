DROP TABLE _renum_backfills;
ALTER TABLE users DROP COLUMN email_domain;
