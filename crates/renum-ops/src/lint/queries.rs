//! The lint's own statement catalogue: the one read it makes of a live database, under
//! `--database-url`, to weigh its findings by the size of the tables they lock.

/// Planner rows and on-disk bytes (indexes and TOAST included) of the named tables in
/// `public` ($1: their names as text[]). A partitioned table (api_logs) counts its partitions,
/// which hold its rows: its own relation is empty. `reltuples` is -1 until the first VACUUM or
/// ANALYZE; such a table counts 0 rows and is then judged by its bytes.
pub const TABLE_SIZES: &str = "\
    SELECT c.relname::text, \
           (SELECT COALESCE(sum(GREATEST(p.reltuples, 0)), 0)::bigint \
              FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid), \
           (SELECT COALESCE(sum(pg_total_relation_size(t.relid)), 0)::bigint \
              FROM pg_partition_tree(c.oid) t) \
    FROM pg_class c \
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
      AND c.relname = ANY($1)";
