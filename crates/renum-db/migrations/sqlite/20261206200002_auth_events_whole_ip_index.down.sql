DROP INDEX IF EXISTS auth_events_whole_ip_idx;
