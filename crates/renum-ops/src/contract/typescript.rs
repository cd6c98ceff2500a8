//! `renum types ts`: the Supabase-shaped TypeScript contract, rendered from the live schema.
//!
//! The output depends only on the [`Schema`] (tables and columns sorted by name, enum
//! values in CHECK order), so SQLite and PostgreSQL produce the same bytes.

use std::fmt::Write;

use crate::contract::is_secret;
use crate::contract::shapes::{self as shapes, ModelShape, Source};
use crate::introspect::{Column, LogicalType, Schema, Table};
use renum_db::{Error, Result};

/// Where the committed contract lives, relative to the repository root.
pub const CONTRACT_PATH: &str = "contract/database.types.ts";

const HEADER: &str = "\
// The schema contract of renum, generated from the live database by `renum types ts`.
// Do not edit by hand: change the migrations, then run
//   renum migrate up && renum types ts --out contract/database.types.ts
// CI fails when this file no longer matches the schema (`renum types ts --check`).
// Secret columns (password and token hashes, the API key ciphertext) are left out.

export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]
";

const EMPTY: &str = "{\n      [_ in never]: never\n    }";

/// The whole `database.types.ts`.
pub fn render(schema: &Schema) -> Result<String> {
    let mut out = String::from(HEADER);
    out.push_str("\nexport type Database = {\n  public: {\n    Tables: {\n");
    for table in &schema.tables {
        render_table(&mut out, table);
    }
    out.push_str("    }\n");
    let _ = writeln!(out, "    Views: {EMPTY}");
    let _ = writeln!(out, "    Functions: {EMPTY}");
    let enums: Vec<(String, &Vec<String>)> = schema
        .tables
        .iter()
        .flat_map(|t| {
            public_columns(t).filter_map(|c| {
                c.enum_values
                    .as_ref()
                    .map(|v| (enum_name(&t.name, &c.name), v))
            })
        })
        .collect();
    if enums.is_empty() {
        let _ = writeln!(out, "    Enums: {EMPTY}");
    } else {
        out.push_str("    Enums: {\n");
        for (name, values) in enums {
            let _ = writeln!(out, "      {name}: {}", union(values));
        }
        out.push_str("    }\n");
    }
    let _ = writeln!(out, "    CompositeTypes: {EMPTY}");
    out.push_str("  }\n}\n");
    out.push_str(
        "
type PublicSchema = Database[\"public\"]

export type Tables<T extends keyof PublicSchema[\"Tables\"]> = PublicSchema[\"Tables\"][T][\"Row\"]
export type TablesInsert<T extends keyof PublicSchema[\"Tables\"]> =
  PublicSchema[\"Tables\"][T][\"Insert\"]
export type TablesUpdate<T extends keyof PublicSchema[\"Tables\"]> =
  PublicSchema[\"Tables\"][T][\"Update\"]
export type Enums<T extends keyof PublicSchema[\"Enums\"]> = PublicSchema[\"Enums\"][T]
",
    );
    out.push('\n');
    for table in &schema.tables {
        let alias = pascal(&table.name);
        let name = &table.name;
        let _ = writeln!(out, "export type {alias}Row = Tables<\"{name}\">");
        let _ = writeln!(out, "export type {alias}Insert = TablesInsert<\"{name}\">");
        let _ = writeln!(out, "export type {alias}Update = TablesUpdate<\"{name}\">");
    }
    for composite in shapes::composites() {
        render_composite(&mut out, schema, &composite)?;
    }
    out.push_str(
        "
/** A post with its video, read in one query (models::PostWithVideo: the post's fields
 * flattened, the video nested). */
export type PostWithVideo = PostsRow & { video: VideoSummary }
",
    );
    Ok(out)
}

fn public_columns(table: &Table) -> impl Iterator<Item = &Column> {
    let mut columns: Vec<&Column> = table
        .columns
        .iter()
        .filter(|c| !is_secret(&table.name, &c.name))
        .collect();
    columns.sort_by(|a, b| a.name.cmp(&b.name));
    columns.into_iter()
}

fn render_table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "      {}: {{", table.name);
    for (section, optional) in [
        ("Row", Optional::Never),
        ("Insert", Optional::Insert),
        ("Update", Optional::Always),
    ] {
        let _ = writeln!(out, "        {section}: {{");
        for c in public_columns(table) {
            let optional = match optional {
                Optional::Never => false,
                Optional::Insert => c.nullable || c.default.is_some() || c.generated,
                Optional::Always => true,
            };
            let _ = writeln!(
                out,
                "          {}{}: {}",
                c.name,
                if optional { "?" } else { "" },
                column_type(&table.name, c)
            );
        }
        out.push_str("        }\n");
    }
    let mut fks: Vec<_> = table.foreign_keys.iter().collect();
    fks.sort_by(|a, b| a.name.cmp(&b.name));
    if fks.is_empty() {
        out.push_str("        Relationships: []\n");
    } else {
        out.push_str("        Relationships: [\n");
        for fk in fks {
            let _ = writeln!(out, "          {{");
            let _ = writeln!(out, "            foreignKeyName: \"{}\"", fk.name);
            let _ = writeln!(out, "            columns: {}", string_list(&fk.columns));
            let _ = writeln!(
                out,
                "            isOneToOne: {}",
                table.is_unique_key(&fk.columns)
            );
            let _ = writeln!(
                out,
                "            referencedRelation: \"{}\"",
                fk.referenced_table
            );
            let _ = writeln!(
                out,
                "            referencedColumns: {}",
                string_list(&fk.referenced_columns)
            );
            let _ = writeln!(out, "          }},");
        }
        out.push_str("        ]\n");
    }
    out.push_str("      }\n");
}

#[derive(Clone, Copy)]
enum Optional {
    Never,
    Insert,
    Always,
}

fn render_composite(out: &mut String, schema: &Schema, model: &ModelShape) -> Result<()> {
    let _ = writeln!(
        out,
        "\n/** models::{}, as the API serializes it. */\nexport type {} = {{",
        model.name, model.name
    );
    for f in &model.fields {
        let ty = match f.source {
            Source::Column { table, column } => {
                let found = schema.table(table).and_then(|t| t.column(column));
                if found.is_none() || is_secret(table, column) {
                    return Err(Error::Config(format!(
                        "models::{}.{} reads {table}.{column}, which the public schema does not have",
                        model.name, f.name
                    )));
                }
                format!("{}Row[\"{column}\"]", pascal(table))
            }
            Source::Computed => {
                let base = scalar(f.ty).to_owned();
                if f.nullable {
                    format!("{base} | null")
                } else {
                    base
                }
            }
        };
        let _ = writeln!(out, "  {}: {ty}", f.name);
    }
    out.push_str("}\n");
    Ok(())
}

fn column_type(table: &str, c: &Column) -> String {
    let base = match &c.enum_values {
        Some(_) => format!(
            "Database[\"public\"][\"Enums\"][\"{}\"]",
            enum_name(table, &c.name)
        ),
        None => scalar(c.ty).to_owned(),
    };
    if c.nullable {
        format!("{base} | null")
    } else {
        base
    }
}

/// JSON columns are `Json`; timestamps, UUIDs and bytes travel as strings.
fn scalar(ty: LogicalType) -> &'static str {
    match ty {
        LogicalType::Uuid | LogicalType::Text | LogicalType::Timestamp | LogicalType::Bytes => {
            "string"
        }
        LogicalType::Json => "Json",
        LogicalType::TextArray => "string[]",
        LogicalType::Double | LogicalType::BigInt | LogicalType::Integer => "number",
        LogicalType::Boolean => "boolean",
    }
}

fn enum_name(table: &str, column: &str) -> String {
    format!("{table}_{column}")
}

fn union(values: &[String]) -> String {
    values
        .iter()
        .map(|v| quote(v))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn string_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// `clip_projects` → `ClipProjects`.
fn pascal(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
