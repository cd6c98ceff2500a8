-- Email verification (expand only): when the user proved the address is theirs by following
-- the link mailed at signup. Nullable with no default: a catalog-only change that rewrites
-- nothing. Accounts created before this migration are unverified until they ask for a new
-- link (`POST /v1/me/verification-email`).
SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
COMMENT ON COLUMN users.email_verified_at IS $$When the user followed the verification link mailed to the address (`users.SET_EMAIL_VERIFIED`); null: unverified, which may not invite members nor set the OpusClip key. Added by `20261206400002_users_email_verified_at`$$;
