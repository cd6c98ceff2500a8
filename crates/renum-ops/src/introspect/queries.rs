//! The introspection catalogue: the statements `renum types`, `renum doctor` and the schema
//! tools read the live schema with. Tool SQL lives here, not in `catalogue.rs`, because the
//! product never runs it; it is still one named constant per statement.
//!
//! Tables whose names start with `_` (sqlx's `_sqlx_migrations`, renum's own bookkeeping) are
//! tooling, not schema, and are left out everywhere.

pub mod postgres {
    /// Every column of every non-partition table: type, nullability, default expression
    /// (NULL for none), generated.
    pub const COLUMNS: &str = "\
        SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
               NOT a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), \
               (a.attidentity <> '' OR a.attgenerated <> '') \
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
          AND NOT c.relispartition AND c.relname NOT LIKE '\\_%' \
          AND a.attnum > 0 AND NOT a.attisdropped \
        ORDER BY c.relname, a.attnum";

    /// CHECK and FOREIGN KEY constraints with their columns (in key order), validity and, for
    /// a foreign key, its ON DELETE and ON UPDATE action codes (`confdeltype`, `confupdtype`).
    pub const CONSTRAINTS: &str = "\
        SELECT c.relname::text, con.conname::text, con.contype::text, \
               pg_get_constraintdef(con.oid), con.convalidated, \
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), \
               COALESCE(f.relname::text, ''), \
               ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i), \
               con.confdeltype::text, con.confupdtype::text \
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
        LEFT JOIN pg_class f ON f.oid = con.confrelid \
        WHERE c.relnamespace = 'public'::regnamespace AND NOT c.relispartition \
          AND c.relname NOT LIKE '\\_%' AND con.contype IN ('c', 'f') \
        ORDER BY 1, 2";

    /// Indexes with their key columns (expressions spelled out), uniqueness, partiality,
    /// validity (a failed CREATE INDEX CONCURRENTLY leaves an invalid one), whether a
    /// PRIMARY KEY or UNIQUE constraint owns them, and a partial index's predicate.
    pub const INDEXES: &str = "\
        SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary, ix.indisvalid, \
               ix.indpred IS NOT NULL, \
               ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) \
                     FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), \
               EXISTS (SELECT 1 FROM pg_constraint con \
                       WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u')), \
               pg_get_indexdef(ix.indexrelid), pg_get_expr(ix.indpred, ix.indrelid, true) \
        FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
        JOIN pg_class t ON t.oid = ix.indrelid \
        WHERE t.relnamespace = 'public'::regnamespace AND NOT t.relispartition \
          AND t.relname NOT LIKE '\\_%' \
        ORDER BY 1, 2";

    /// `COMMENT ON` text of tables, columns, constraints and indexes, as
    /// `(kind, table, name, comment)`; `name` is empty for a table. Read by `renum schema docs`.
    pub const COMMENTS: &str = "\
        SELECT 'table', c.relname::text, '', d.description \
        FROM pg_description d JOIN pg_class c ON c.oid = d.objoid \
        WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND c.relkind IN ('r', 'p') \
          AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition \
          AND c.relname NOT LIKE '\\_%' \
        UNION ALL \
        SELECT 'column', c.relname::text, a.attname::text, d.description \
        FROM pg_description d JOIN pg_class c ON c.oid = d.objoid \
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid \
        WHERE d.classoid = 'pg_class'::regclass AND d.objsubid > 0 AND c.relkind IN ('r', 'p') \
          AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition \
          AND c.relname NOT LIKE '\\_%' \
        UNION ALL \
        SELECT 'index', t.relname::text, i.relname::text, d.description \
        FROM pg_description d JOIN pg_class i ON i.oid = d.objoid \
        JOIN pg_index ix ON ix.indexrelid = i.oid JOIN pg_class t ON t.oid = ix.indrelid \
        WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 \
          AND t.relnamespace = 'public'::regnamespace AND NOT t.relispartition \
          AND t.relname NOT LIKE '\\_%' \
        UNION ALL \
        SELECT 'constraint', c.relname::text, con.conname::text, d.description \
        FROM pg_description d JOIN pg_constraint con ON con.oid = d.objoid \
        JOIN pg_class c ON c.oid = con.conrelid \
        WHERE d.classoid = 'pg_constraint'::regclass \
          AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition \
          AND c.relname NOT LIKE '\\_%' \
        ORDER BY 1, 2, 3";

    /// Column defaults as PostgreSQL prints them (identity spelled out), `(table, column,
    /// default)`, only for columns that have one.
    pub const DEFAULTS: &str = "\
        SELECT c.relname::text, a.attname::text, \
               CASE a.attidentity WHEN 'a' THEN 'GENERATED ALWAYS AS IDENTITY' \
                                  WHEN 'd' THEN 'GENERATED BY DEFAULT AS IDENTITY' \
                    ELSE pg_get_expr(ad.adbin, ad.adrelid) END \
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
          AND NOT c.relispartition AND c.relname NOT LIKE '\\_%' \
          AND a.attnum > 0 AND NOT a.attisdropped AND (a.attidentity <> '' OR ad.adbin IS NOT NULL) \
        ORDER BY 1, 2";
}

pub mod sqlite {
    /// Tables with the CREATE TABLE text (constraint names and CHECKs are read from it).
    pub const TABLES: &str = "\
        SELECT name, sql FROM sqlite_master \
        WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
        ORDER BY name";

    /// Columns of one table ($1), in declaration order, with the default as written.
    pub const COLUMNS: &str = "\
        SELECT name, type, \"notnull\", dflt_value, pk \
        FROM pragma_table_xinfo($1) ORDER BY cid";

    /// Foreign keys of one table ($1), one row per column pair, with the key's actions.
    pub const FOREIGN_KEYS: &str = "\
        SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq";

    /// Indexes of one table ($1); `origin` is `c` (CREATE INDEX), `u` (UNIQUE) or `pk`.
    pub const INDEXES: &str = "\
        SELECT l.name, l.\"unique\", l.origin, l.partial, \
               (SELECT json_group_array(i.name) FROM \
                  (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) i), \
               COALESCE((SELECT sql FROM sqlite_master WHERE type = 'index' AND name = l.name), '') \
        FROM pragma_index_list($1) l ORDER BY l.name";
}
