-- SQLite enforced these CHECKs from their ADD COLUMN: nothing to validate.
SELECT 1;
