-- See the up migration: nothing to revert on SQLite.
SELECT 1;
