//! Index findings, from the introspected schema alone.

use super::Finding;
use crate::introspect::{Index, Schema, Table};

const FAMILY: &str = "indexes";

pub(super) fn check(schema: &Schema, findings: &mut Vec<Finding>) {
    for t in &schema.tables {
        fk_support(t, findings);
        overlap(t, findings);
        for ix in t.indexes.iter().filter(|i| !i.valid) {
            findings.push(Finding::error(
                FAMILY,
                "invalid_index",
                ix.name.clone(),
                format!(
                    "left invalid by a failed CREATE INDEX CONCURRENTLY: it slows writes and serves no read; \
                     DROP INDEX CONCURRENTLY {} and build it again",
                    ix.name
                ),
            ));
        }
    }
}

/// Deleting or re-keying a referenced row looks its children up by the FK columns; without
/// an index whose leading columns are those, every such lookup scans the child table.
fn fk_support(t: &Table, findings: &mut Vec<Finding>) {
    for fk in &t.foreign_keys {
        let mut wanted = fk.columns.clone();
        wanted.sort();
        let supported = t.indexes.iter().filter(|i| i.valid).any(|i| {
            i.columns.len() >= wanted.len() && {
                let mut lead = i.columns[..wanted.len()].to_vec();
                lead.sort();
                lead == wanted
            }
        });
        if !supported {
            findings.push(Finding::error(
                FAMILY,
                "fk_without_index",
                fk.name.clone(),
                format!(
                    "no index on {} starts with ({}): deletes from {} scan {}; \
                     CREATE INDEX CONCURRENTLY ON {} ({})",
                    t.name,
                    fk.columns.join(", "),
                    fk.referenced_table,
                    t.name,
                    t.name,
                    fk.columns.join(", ")
                ),
            ));
        }
    }
}

/// Two indexes with the same key, or one whose key is a prefix of another's: the extra one
/// costs every write and serves nothing the other does not.
fn overlap(t: &Table, findings: &mut Vec<Finding>) {
    let plain = |i: &Index| !i.partial && i.valid;
    for a in t.indexes.iter().filter(|i| plain(i)) {
        for b in t.indexes.iter().filter(|i| plain(i) && i.name != a.name) {
            let same = a.columns == b.columns;
            if same && a.unique == b.unique && a.name < b.name {
                findings.push(Finding::warning(
                    FAMILY,
                    "duplicate_index",
                    b.name.clone(),
                    format!(
                        "same key ({}) as {}; drop one",
                        b.columns.join(", "),
                        a.name
                    ),
                ));
            } else if same && !a.unique && b.unique {
                findings.push(Finding::warning(
                    FAMILY,
                    "redundant_index",
                    a.name.clone(),
                    format!("same key as the unique {}; drop {}", b.name, a.name),
                ));
            } else if !a.unique
                && a.columns.len() < b.columns.len()
                && b.columns.starts_with(&a.columns)
            {
                findings.push(Finding::warning(
                    FAMILY,
                    "redundant_index",
                    a.name.clone(),
                    format!(
                        "its key ({}) is a prefix of {} ({}), which serves the same lookups",
                        a.columns.join(", "),
                        b.name,
                        b.columns.join(", ")
                    ),
                ));
            }
        }
    }
}
