-- Every change to a row a session check reads (sessions, users, organizations) announces the
-- row's id on the channel renum_auth, after commit. Each `renum serve` keeps its live
-- sessions in a cache and drops the entries that name the id (docs/SECURITY.md, "Session
-- cache"). Creating a trigger takes SHARE ROW EXCLUSIVE on its table for an instant.
SET LOCAL lock_timeout = '5s';

CREATE FUNCTION renum_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('renum_auth', OLD.id::text);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION renum_auth_changed() IS
    'Announces the id of a changed or deleted sessions, users or organizations row on the channel renum_auth, which the servers'' session caches listen to.';

CREATE TRIGGER sessions_auth_changed AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION renum_auth_changed();
COMMENT ON TRIGGER sessions_auth_changed ON sessions IS
    'A revoked, touched or deleted session leaves every server''s session cache.';

CREATE TRIGGER users_auth_changed AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION renum_auth_changed();
COMMENT ON TRIGGER users_auth_changed ON users IS
    'A user''s role change or deletion drops its sessions from every server''s session cache.';

CREATE TRIGGER organizations_auth_changed AFTER UPDATE OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION renum_auth_changed();
COMMENT ON TRIGGER organizations_auth_changed ON organizations IS
    'An organization''s deletion drops its sessions from every server''s session cache.';
