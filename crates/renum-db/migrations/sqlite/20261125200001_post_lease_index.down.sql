DROP INDEX posts_lease_expiry_idx;
