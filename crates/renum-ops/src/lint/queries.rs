//! The lint's own statement catalogue: the one read it makes of a live database, under
//! `--database-url`, to weigh its findings by the size of the tables they lock.

/// Planner rows and on-disk bytes (indexes and TOAST included) of the named tables in
/// `public` ($1: their names as text[]). A partitioned table (api_logs) is summed over its
/// partitions, which hold its rows; its own reltuples (an ANALYZE estimate of the same rows) is
/// left out so they are not counted twice. `pg_partition_tree` lists nothing for a plain table,
/// hence the table itself besides. `reltuples` is -1 until the first VACUUM or ANALYZE; such a
/// table counts 0 rows and is then judged by its bytes.
pub const TABLE_SIZES: &str = "\
    SELECT c.relname::text, \
           COALESCE(sum(GREATEST(p.reltuples, 0)) FILTER (WHERE p.relkind <> 'p'), 0)::bigint, \
           COALESCE(sum(pg_total_relation_size(p.oid)), 0)::bigint \
    FROM pg_class c \
    JOIN pg_class p ON p.oid = c.oid \
      OR p.oid IN (SELECT t.relid FROM pg_partition_tree(c.oid) t) \
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
      AND c.relname = ANY($1) \
    GROUP BY c.relname";
