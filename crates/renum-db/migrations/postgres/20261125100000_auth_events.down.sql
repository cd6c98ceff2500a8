DROP TABLE auth_events;
