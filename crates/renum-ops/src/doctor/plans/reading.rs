//! Reading PostgreSQL's JSON plans: the relations a plan reads, the ones it reads in full,
//! and the joins that make rows only to throw them away.

use serde_json::Value;

/// A nested loop joins each outer row with every inner row and keeps those its Join Filter
/// passes: with this many (or more) rows made per row kept, the join is the statement's
/// cost (the feed written join-first made ~60 per row: every video of the organization
/// for each post of the page). An index on the join key makes it one.
pub const WASTE_RATIO: f64 = 10.0;

/// Below this many rows discarded per execution, a waste is too small to matter.
const WASTE_MIN_ROWS: f64 = 100.0;

/// A join that discards most of the rows it makes.
#[derive(Debug, PartialEq)]
pub struct Waste {
    /// The relation of the inner side, rescanned for each outer row.
    pub inner: String,
    /// Rows made (outer x inner per loop) and rows kept, as the planner estimates them.
    pub made: f64,
    pub kept: f64,
}

/// Every relation a scan node of the plan reads.
pub fn relations(plan: &Value, out: &mut Vec<String>) {
    visit(plan, &mut |node| {
        if let Some(rel) = node.get("Relation Name").and_then(Value::as_str) {
            out.push(rel.to_owned());
        }
    });
}

/// Relations under `Seq Scan` nodes.
pub fn seq_scans(plan: &Value, out: &mut Vec<String>) {
    visit(plan, &mut |node| {
        if node.get("Node Type").and_then(Value::as_str) == Some("Seq Scan")
            && let Some(rel) = node.get("Relation Name").and_then(Value::as_str)
        {
            out.push(rel.to_owned());
        }
    });
}

/// Nested loops whose Join Filter discards [`WASTE_RATIO`] rows or more per row kept.
pub fn join_waste(plan: &Value, out: &mut Vec<Waste>) {
    visit(plan, &mut |node| {
        if node.get("Node Type").and_then(Value::as_str) != Some("Nested Loop")
            || node.get("Join Filter").is_none()
        {
            return;
        }
        let Some([outer, inner]) = node
            .get("Plans")
            .and_then(Value::as_array)
            .and_then(|p| <&[Value; 2]>::try_from(p.as_slice()).ok())
        else {
            return;
        };
        let made = rows(outer) * rows(inner);
        let kept = node
            .get("Plan Rows")
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
            .max(1.0);
        if made >= WASTE_RATIO * kept && made - kept >= WASTE_MIN_ROWS {
            let mut inner_relations = Vec::new();
            relations(inner, &mut inner_relations);
            out.push(Waste {
                inner: inner_relations
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "a subquery".to_owned()),
                made,
                kept,
            });
        }
    });
}

fn rows(node: &Value) -> f64 {
    node.get("Plan Rows").and_then(Value::as_f64).unwrap_or(0.0)
}

/// Calls `f` on every plan node (objects with a `Node Type`), depth first.
fn visit(plan: &Value, f: &mut impl FnMut(&serde_json::Map<String, Value>)) {
    match plan {
        Value::Array(items) => items.iter().for_each(|i| visit(i, f)),
        Value::Object(map) => {
            if map.contains_key("Node Type") {
                f(map);
            }
            map.values().for_each(|v| visit(v, f));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The feed written join-first, as PostgreSQL 15 planned it with a call's values on
    /// 1,000 organizations of 100 videos and 1,000 posts (`EXPLAIN (FORMAT JSON)`, trimmed).
    fn join_first_feed() -> Value {
        serde_json::json!([{"Plan": {
            "Node Type": "Limit", "Plan Rows": 21,
            "Plans": [{
                "Node Type": "Nested Loop", "Join Type": "Inner", "Plan Rows": 1000,
                "Join Filter": "(p.video_id = v.id)",
                "Plans": [
                    {"Node Type": "Index Scan", "Parent Relationship": "Outer",
                     "Relation Name": "posts", "Plan Rows": 996},
                    {"Node Type": "Materialize", "Parent Relationship": "Inner", "Plan Rows": 100,
                     "Plans": [{"Node Type": "Bitmap Heap Scan", "Relation Name": "videos",
                                "Plan Rows": 100}]}
                ]
            }]
        }}])
    }

    #[test]
    fn a_nested_loop_discarding_most_of_its_rows_is_waste_and_an_indexed_one_is_not() {
        let mut waste = Vec::new();
        join_waste(&join_first_feed(), &mut waste);
        assert_eq!(
            waste,
            vec![Waste {
                inner: "videos".into(),
                made: 99_600.0,
                kept: 1000.0
            }]
        );

        // Page first: the inner side is an index lookup per post, no Join Filter.
        let indexed = serde_json::json!([{"Plan": {
            "Node Type": "Nested Loop", "Plan Rows": 21,
            "Plans": [
                {"Node Type": "Index Scan", "Relation Name": "posts", "Plan Rows": 21},
                {"Node Type": "Index Scan", "Relation Name": "videos", "Plan Rows": 1,
                 "Index Cond": "(id = p.video_id)"}
            ]
        }}]);
        let mut none = Vec::new();
        join_waste(&indexed, &mut none);
        assert!(none.is_empty());

        let mut read = Vec::new();
        relations(&join_first_feed(), &mut read);
        assert_eq!(read, ["posts", "videos"]);
        let mut scans = Vec::new();
        seq_scans(&join_first_feed(), &mut scans);
        assert!(scans.is_empty());
    }
}
