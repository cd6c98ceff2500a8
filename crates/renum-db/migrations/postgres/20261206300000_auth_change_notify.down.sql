SET LOCAL lock_timeout = '5s';
DROP TRIGGER organizations_auth_changed ON organizations;
DROP TRIGGER users_auth_changed ON users;
DROP TRIGGER sessions_auth_changed ON sessions;
DROP FUNCTION renum_auth_changed();
