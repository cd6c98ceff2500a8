-- no-transaction
-- The scheduler's search for expired leases; partial, so it holds only in-flight posts.
-- Built CONCURRENTLY (posts is large and written all the time), hence its own migration
-- outside a transaction, and alone in its file: PostgreSQL runs several statements sent
-- together in one implicit transaction, which CONCURRENTLY refuses. IF NOT EXISTS lets a
-- retry pass after a failed build's invalid index is dropped (renum doctor reports one).
CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_lease_expiry_idx ON posts (locked_until) WHERE status = 'publishing';
