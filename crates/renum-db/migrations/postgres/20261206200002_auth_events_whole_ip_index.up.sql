-- no-transaction
-- Audit retention cuts an event's address to its network (/24, /48) once the event is 30 days
-- old. Partial: it holds only the events whose address is still whole (a cut one holds a '/'),
-- so each day's pass finds that day's rows without walking the ones already cut.
CREATE INDEX CONCURRENTLY IF NOT EXISTS auth_events_whole_ip_idx ON auth_events (created_at) WHERE ip NOT LIKE '%/%';
