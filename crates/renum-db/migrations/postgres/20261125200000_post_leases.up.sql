-- Publishing leases: a worker that claims a due post (status 'publishing') records who holds
-- it and until when. A lease that runs out (the worker crashed or hung) is claimed again by
-- another worker; completion statements match locked_by, so a worker that lost its lease
-- cannot overwrite the new holder's outcome.
-- Adding nullable columns without a default is a catalog-only change, but it still takes an
-- ACCESS EXCLUSIVE lock: give up quickly rather than queue every query behind a long transaction.
SET lock_timeout = '5s';
ALTER TABLE posts ADD COLUMN locked_by text;
ALTER TABLE posts ADD COLUMN locked_until timestamptz;
