-- PostgreSQL announces session, user and organization changes to the servers' session caches
-- here. SQLite runs in one process, which checks every session in the database: no cache,
-- nothing to announce.
SELECT 1;
