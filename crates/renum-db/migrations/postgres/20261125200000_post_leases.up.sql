-- Publishing leases: a worker that claims a due post (status 'publishing') records who holds
-- it and until when. A lease that runs out (the worker crashed or hung) is claimed again by
-- another worker; completion statements match locked_by, so a worker that lost its lease
-- cannot overwrite the new holder's outcome.
ALTER TABLE posts ADD COLUMN locked_by text;
ALTER TABLE posts ADD COLUMN locked_until timestamptz;

-- The scheduler's search for expired leases; partial, so it holds only in-flight posts.
CREATE INDEX posts_lease_expiry_idx ON posts (locked_until) WHERE status = 'publishing';
