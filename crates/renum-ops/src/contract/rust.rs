//! `renum types rust --check`: the hand-written models (`models::contract`) against the live
//! schema: every column has a field and every field a column, with the same type,
//! nullability and, for CHECK enumerations, the same variants.

use crate::contract::shapes::{self as shapes, FieldShape, ModelShape, Source};
use crate::introspect::{Column, Schema};

/// Every disagreement between the models and `schema`, one readable line each.
pub fn check(schema: &Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for model in shapes::rows().iter().chain(shapes::composites().iter()) {
        check_model(schema, model, &mut problems);
    }
    problems
}

fn check_model(schema: &Schema, model: &ModelShape, problems: &mut Vec<String>) {
    let name = model.name;
    if let Some(table) = model.table {
        let Some(t) = schema.table(table) else {
            problems.push(format!(
                "models::{name} mirrors table {table}, which the schema does not have"
            ));
            return;
        };
        for c in &t.columns {
            if !model.fields.iter().any(|f| f.name == c.name) {
                problems.push(format!(
                    "{table}.{} ({}{}) has no field in models::{name}",
                    c.name,
                    c.ty,
                    if c.nullable { ", null" } else { ", NOT NULL" }
                ));
            }
        }
    }
    for f in &model.fields {
        let Source::Column { table, column } = f.source else {
            continue;
        };
        match schema.table(table).and_then(|t| t.column(column)) {
            None => problems.push(format!(
                "models::{name}.{} reads {table}.{column}, which the schema does not have",
                f.name
            )),
            Some(c) => compare(name, f, table, c, problems),
        }
    }
}

fn compare(model: &str, f: &FieldShape, table: &str, c: &Column, problems: &mut Vec<String>) {
    let field = format!("models::{model}.{}", f.name);
    let column = format!("{table}.{}", c.name);
    if f.ty != c.ty {
        problems.push(format!("{field} holds {} but {column} is {}", f.ty, c.ty));
    }
    if f.nullable != c.nullable {
        problems.push(if c.nullable {
            format!("{column} is nullable but {field} is not an Option")
        } else {
            format!("{column} is NOT NULL but {field} is an Option")
        });
    }
    let mut rust: Option<Vec<&str>> = f.values.clone();
    let mut db: Option<Vec<&str>> = c
        .enum_values
        .as_ref()
        .map(|v| v.iter().map(String::as_str).collect());
    rust.iter_mut().for_each(|v| v.sort());
    db.iter_mut().for_each(|v| v.sort());
    match (rust, db) {
        (Some(r), Some(d)) if r != d => problems.push(format!(
            "{field} allows {r:?} but the CHECK on {column} allows {d:?}"
        )),
        (None, Some(d)) => problems.push(format!(
            "{column} is limited by a CHECK to {d:?} but {field} is free text"
        )),
        (Some(r), None) => problems.push(format!(
            "{field} is an enumeration {r:?} but {column} has no CHECK listing its values"
        )),
        _ => {}
    }
}
