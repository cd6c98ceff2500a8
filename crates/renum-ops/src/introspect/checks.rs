//! Reading constraint text: which CHECKs are enumerations (`col IN ('a', 'b')`, which
//! PostgreSQL prints back as `col = ANY (ARRAY['a'::text, 'b'::text])`), the named
//! constraints of a SQLite `CREATE TABLE` (SQLite keeps names only in that text), and the
//! predicate of a SQLite partial index (kept only in its `CREATE INDEX` text).

/// A named table constraint found in SQLite's `CREATE TABLE` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedConstraint {
    pub name: String,
    pub kind: ConstraintKind,
    /// Key columns (PRIMARY KEY, UNIQUE, FOREIGN KEY); empty for CHECK.
    pub columns: Vec<String>,
    /// The constraint as written, from its kind keyword on (`CHECK (...)`).
    pub definition: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    Check,
    ForeignKey,
}

/// The column and allowed values when a CHECK is exactly an enumeration, else `None`.
/// Accepts both the written form and PostgreSQL's `pg_get_constraintdef` form.
pub fn enumeration(check: &str) -> Option<(String, Vec<String>)> {
    let mut s = check.trim();
    if let Some(rest) = strip_keyword(s, "CHECK") {
        s = rest;
    }
    if let Some(rest) = s.strip_suffix("NOT VALID") {
        s = rest.trim_end();
    }
    let s = strip_parens(s);
    let (column, rest) = identifier(s)?;
    let rest = rest.trim_start();
    let list = if let Some(rest) = strip_keyword(rest, "IN") {
        let inner = strip_parens(rest.trim());
        (inner.len() < rest.trim().len()).then_some(inner)?
    } else {
        let rest = rest.strip_prefix('=')?.trim_start();
        let rest = strip_keyword(rest, "ANY")?.trim();
        let inner = strip_parens(rest);
        let inner = strip_keyword(inner, "ARRAY")?.trim();
        inner.strip_prefix('[')?.strip_suffix(']')?
    };
    let values = literals(list)?;
    (!values.is_empty()).then(|| (column.to_owned(), values))
}

/// `kw` followed by a non-identifier character, case-insensitively.
fn strip_keyword<'a>(s: &'a str, kw: &str) -> Option<&'a str> {
    let head = s.get(..kw.len())?;
    let rest = &s[kw.len()..];
    let boundary = rest
        .chars()
        .next()
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
    (head.eq_ignore_ascii_case(kw) && boundary).then_some(rest)
}

/// Removes parentheses that wrap the whole of `s` (any number of pairs).
fn strip_parens(mut s: &str) -> &str {
    loop {
        s = s.trim();
        if s.starts_with('(') && matching_paren(s, 0) == Some(s.len() - 1) {
            s = &s[1..s.len() - 1];
        } else {
            return s;
        }
    }
}

/// The index of the `)` closing the `(` at `open`, skipping quoted text.
fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn identifier(s: &str) -> Option<(&str, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0).then(|| s.split_at(end))
}

/// `'a', 'b'::text, ...` → the strings; anything else in the list → `None`.
fn literals(list: &str) -> Option<Vec<String>> {
    let mut values = Vec::new();
    let mut rest = list.trim();
    while !rest.is_empty() {
        rest = rest.strip_prefix('\'')?;
        let mut value = String::new();
        loop {
            let quote = rest.find('\'')?;
            value.push_str(&rest[..quote]);
            rest = &rest[quote + 1..];
            match rest.strip_prefix('\'') {
                Some(after) => {
                    value.push('\'');
                    rest = after;
                }
                None => break,
            }
        }
        values.push(value);
        rest = rest.trim_start();
        if let Some(cast) = rest.strip_prefix("::") {
            let (_, after) = identifier(cast)?;
            rest = after.trim_start();
        }
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start();
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(values)
}

/// The `CONSTRAINT name ...` items of a `CREATE TABLE` statement, in order.
pub fn named_constraints(create_table: &str) -> Vec<NamedConstraint> {
    let text = strip_comments(create_table);
    let Some(open) = text.find('(') else {
        return Vec::new();
    };
    let Some(close) = matching_paren(&text, open) else {
        return Vec::new();
    };
    split_top_level(&text[open + 1..close])
        .into_iter()
        .filter_map(|item| {
            // A column's own `CONSTRAINT name CHECK (...)` (what SQLite's ADD COLUMN allows)
            // counts like a table constraint.
            let item = column_constraint(item).unwrap_or(item);
            let rest = strip_keyword(item, "CONSTRAINT")?.trim_start();
            let (name, rest) = identifier(rest)?;
            let definition = rest.trim();
            let (kind, after) = if let Some(r) = strip_keyword(definition, "PRIMARY") {
                (
                    ConstraintKind::PrimaryKey,
                    strip_keyword(r.trim_start(), "KEY")?,
                )
            } else if let Some(r) = strip_keyword(definition, "UNIQUE") {
                (ConstraintKind::Unique, r)
            } else if let Some(r) = strip_keyword(definition, "FOREIGN") {
                (
                    ConstraintKind::ForeignKey,
                    strip_keyword(r.trim_start(), "KEY")?,
                )
            } else {
                strip_keyword(definition, "CHECK")?;
                (ConstraintKind::Check, "")
            };
            let columns = match kind {
                ConstraintKind::Check => Vec::new(),
                _ => {
                    let after = after.trim_start();
                    let end = matching_paren(after, 0)?;
                    after[1..end]
                        .split(',')
                        .map(|c| c.trim().to_owned())
                        .collect()
                }
            };
            Some(NamedConstraint {
                name: name.to_owned(),
                kind,
                columns,
                definition: definition.split_whitespace().collect::<Vec<_>>().join(" "),
            })
        })
        .collect()
}

/// The `WHERE` condition of a `CREATE INDEX` statement, as written; `None` for a total index.
pub fn index_predicate(create_index: &str) -> Option<String> {
    let text = strip_comments(create_index);
    let open = text.find('(')?;
    let close = matching_paren(&text, open)?;
    let condition = strip_keyword(text[close + 1..].trim_start(), "WHERE")?;
    Some(condition.trim().to_owned())
}

/// In a column definition (`col TYPE ... CONSTRAINT name CHECK (...)`), the text from its
/// `CONSTRAINT` keyword on; `None` for a table constraint or a column without one.
fn column_constraint(item: &str) -> Option<&str> {
    let item = item.trim_start();
    if strip_keyword(item, "CONSTRAINT").is_some() {
        return None;
    }
    let upper = item.to_ascii_uppercase();
    let at = upper.find(" CONSTRAINT ")?;
    Some(item[at + 1..].trim_start())
}

/// Drops `-- ...` comments outside quoted text.
fn strip_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '-' && chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// Splits on commas that are outside parentheses and quotes.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                items.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(s[start..].trim());
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn the_written_and_the_postgres_spelling_of_an_enumeration_agree() {
        let written = enumeration("CHECK (plan IN ('free', 'starter', 'pro'))").unwrap();
        let printed =
            enumeration("CHECK ((plan = ANY (ARRAY['free'::text, 'starter'::text, 'pro'::text])))")
                .unwrap();
        assert_eq!(
            written,
            ("plan".to_owned(), strings(&["free", "starter", "pro"]))
        );
        assert_eq!(written, printed);
        assert_eq!(
            enumeration("CHECK ((role = ANY (ARRAY['it''s'::text]))) NOT VALID")
                .unwrap()
                .1,
            strings(&["it's"])
        );
    }

    #[test]
    fn checks_that_are_more_than_an_enumeration_are_not_one() {
        assert_eq!(
            enumeration("CHECK (status <> 'published' OR x IS NOT NULL)"),
            None
        );
        assert_eq!(enumeration("CHECK (a IN ('x') AND b > 0)"), None);
        assert_eq!(enumeration("CHECK (attempts >= 0)"), None);
        assert_eq!(enumeration("CHECK (n IN (1, 2))"), None);
    }

    #[test]
    fn the_predicate_of_a_partial_index_is_read_from_its_text() {
        assert_eq!(
            index_predicate(
                "CREATE UNIQUE INDEX u ON users (lower(email), org) -- one (per org)\n WHERE role = 'owner' AND x IS NULL"
            )
            .as_deref(),
            Some("role = 'owner' AND x IS NULL")
        );
        assert_eq!(index_predicate("CREATE INDEX i ON t (a, b)"), None);
        assert_eq!(index_predicate(""), None);
    }

    #[test]
    fn named_constraints_are_read_from_create_table_text() {
        let sql = "CREATE TABLE t (\n  id UUID NOT NULL, -- the key, (really)\n  \
                   s TEXT CHECK (s GLOB '*,*'),\n  \
                   CONSTRAINT t_pkey PRIMARY KEY (id),\n  \
                   CONSTRAINT t_a_b_key UNIQUE (a, b),\n  \
                   CONSTRAINT t_o_fkey FOREIGN KEY (o, p) REFERENCES o (x, y) ON DELETE RESTRICT,\n  \
                   CONSTRAINT t_s_check CHECK (s IN ('a,b', 'c'))\n)";
        let found = named_constraints(sql);
        let summary: Vec<_> = found
            .iter()
            .map(|c| (c.name.as_str(), c.kind, c.columns.join(",")))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("t_pkey", ConstraintKind::PrimaryKey, "id".to_owned()),
                ("t_a_b_key", ConstraintKind::Unique, "a,b".to_owned()),
                ("t_o_fkey", ConstraintKind::ForeignKey, "o,p".to_owned()),
                ("t_s_check", ConstraintKind::Check, String::new()),
            ]
        );
        assert_eq!(
            enumeration(&found[3].definition).unwrap().1,
            strings(&["a,b", "c"])
        );
    }
}
