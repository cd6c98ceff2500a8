-- Publishing leases: see the PostgreSQL migration of the same name.
ALTER TABLE posts ADD COLUMN locked_by TEXT;
ALTER TABLE posts ADD COLUMN locked_until TIMESTAMPTZ CHECK (locked_until GLOB '????-??-??T??:??:??.??????Z');
