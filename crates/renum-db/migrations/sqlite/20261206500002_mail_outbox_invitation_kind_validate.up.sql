-- SQLite enforced the wider CHECK from the rebuild of 20261206500001: nothing to validate.
SELECT 1;
