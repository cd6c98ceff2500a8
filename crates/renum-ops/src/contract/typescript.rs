//! `renum types ts`: the Supabase-shaped TypeScript contract, rendered from the live schema.
//!
//! The output depends only on the [`Schema`] (tables and columns sorted by name, enum
//! values in CHECK order), so SQLite and PostgreSQL produce the same bytes. Where the
//! engines accept different things the contract promises what both accept:
//!
//! - A column the database fills itself ([`Column::generated`]: a PostgreSQL identity or
//!   generated column, SQLite's rowid alias) is `never` in `Insert` and `Update`, as
//!   Supabase types it. PostgreSQL refuses a value for `GENERATED ALWAYS AS IDENTITY`
//!   (`api_logs.id`); SQLite's rowid would take one, but a contract that allowed it would
//!   break on production.
//! - A `NOT NULL` JSON column is `NonNullable<Json>`: `Json` includes `null`, which such a
//!   column refuses.
//! - A table whose secret column is required on insert (`users.password_hash`,
//!   `sessions.token_hash`, `mail_outbox.body_text`) has `Insert: never` and no `<Table>Insert` alias. Completing the
//!   type would publish the secret's column, the one thing [`SECRET_COLUMNS`] keeps out, and
//!   a front end has no business computing an argon2 hash or a token hash: those rows are
//!   created by the API (signup, signin, members). Tables whose secret columns are optional
//!   (`auth_events`, `organizations`) stay insertable: a row without the secret is a valid
//!   row.
//!
//! [`SECRET_COLUMNS`]: crate::contract::SECRET_COLUMNS

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
// Secret columns (password and token hashes, the API key ciphertext, mail bodies) are left
// out; a table that cannot be inserted without one (users, sessions, email_tokens,
// mail_outbox) has `Insert: never`: the server creates those rows. Columns the database fills (api_logs.id) are `never` in Insert and Update.

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
    let enums = enums(schema);
    if enums.is_empty() {
        let _ = writeln!(out, "    Enums: {EMPTY}");
    } else {
        out.push_str("    Enums: {\n");
        for (name, values) in &enums {
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
    render_constants(&mut out, &enums);
    out.push('\n');
    for table in &schema.tables {
        render_aliases(&mut out, table);
    }
    for composite in shapes::composites() {
        render_composite(&mut out, schema, &composite)?;
    }
    // Not `PostsRow & { video }`: the feed does not send the row's organization_id nor its
    // publishing lease (locked_by, locked_until), so the API's own type is the truth.
    out.push_str(
        "
/** A post with its video as `GET /v1/posts` and `GET /v1/posts/{id}` return it: the API's
 * `Post` (contract/api.types.ts, from the OpenAPI document). */
export type { Post as PostWithVideo } from \"./api.types\"
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

/// Every enum of the public columns, `(name, values)`, in table then column order.
fn enums(schema: &Schema) -> Vec<(String, &Vec<String>)> {
    schema
        .tables
        .iter()
        .flat_map(|t| {
            public_columns(t).filter_map(|c| {
                c.enum_values
                    .as_ref()
                    .map(|v| (enum_name(&t.name, &c.name), v))
            })
        })
        .collect()
}

/// Supabase's `Constants`: every enum's values at run time (for a select's options, a
/// validation), typed as the same literals as `Enums` by `as const`.
fn render_constants(out: &mut String, enums: &[(String, &Vec<String>)]) {
    out.push_str("\nexport const Constants = {\n  public: {\n    Enums: {\n");
    for (name, values) in enums {
        let _ = writeln!(out, "      {name}: {},", string_list(values));
    }
    out.push_str("    },\n  },\n} as const\n");
}

/// True when a row of `table` cannot be inserted without a secret column (`NOT NULL`, no
/// default, not filled by the database).
fn required_secret(table: &Table) -> bool {
    table.columns.iter().any(|c| {
        is_secret(&table.name, &c.name) && !(c.nullable || c.default.is_some() || c.generated)
    })
}

/// `<Table>Row`, `<Table>Insert` (unless a required column is secret) and `<Table>Update`.
fn render_aliases(out: &mut String, table: &Table) {
    let alias = pascal(&table.name);
    let name = &table.name;
    let _ = writeln!(out, "export type {alias}Row = Tables<\"{name}\">");
    // The comment does not name the secret column: the contract never does.
    if required_secret(table) {
        let _ = writeln!(
            out,
            "// No {alias}Insert: a row of {name} needs a secret column; the API creates them."
        );
    } else {
        let _ = writeln!(out, "export type {alias}Insert = TablesInsert<\"{name}\">");
    }
    let _ = writeln!(out, "export type {alias}Update = TablesUpdate<\"{name}\">");
}

fn render_table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "      {}: {{", table.name);
    for (section, optional) in [
        ("Row", Optional::Never),
        ("Insert", Optional::Insert),
        ("Update", Optional::Always),
    ] {
        if section == "Insert" && required_secret(table) {
            out.push_str("        Insert: never\n");
            continue;
        }
        let _ = writeln!(out, "        {section}: {{");
        for c in public_columns(table) {
            let ty = match optional {
                Optional::Insert | Optional::Always if c.generated => "never".to_owned(),
                _ => column_type(&table.name, c),
            };
            let optional = match optional {
                Optional::Never => false,
                Optional::Insert => c.nullable || c.default.is_some() || c.generated,
                Optional::Always => true,
            };
            let _ = writeln!(
                out,
                "          {}{}: {ty}",
                c.name,
                if optional { "?" } else { "" },
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
        None if c.ty == LogicalType::Json && !c.nullable => "NonNullable<Json>".to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, ty: LogicalType, nullable: bool) -> Column {
        Column {
            name: name.to_owned(),
            ty,
            nullable,
            default: None,
            generated: false,
            enum_values: None,
        }
    }

    fn table(name: &str, columns: Vec<Column>) -> Table {
        Table {
            name: name.to_owned(),
            columns,
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
        }
    }

    /// The lines of `table`'s `section` (`Row`, `Insert`, `Update`) in the rendered contract.
    fn section<'a>(text: &'a str, table: &str, section: &str) -> Vec<&'a str> {
        let start = text
            .find(&format!("      {table}: {{\n"))
            .unwrap_or_else(|| panic!("no table {table}"));
        let rest = &text[start..];
        let open = rest
            .find(&format!("        {section}: {{\n"))
            .unwrap_or_else(|| panic!("no {table}.{section}"));
        rest[open..]
            .lines()
            .skip(1)
            .take_while(|l| *l != "        }")
            .map(str::trim)
            .collect()
    }

    fn sample() -> Schema {
        let mut id = column("id", LogicalType::BigInt, false);
        id.generated = true;
        let mut options = column("options", LogicalType::Json, false);
        options.default = Some("'{}'".to_owned());
        let mut platform = column("platform", LogicalType::Text, false);
        platform.enum_values = Some(vec!["x".to_owned(), "tiktok".to_owned()]);
        let key = column("opusclip_api_key_ciphertext", LogicalType::Bytes, true);
        Schema {
            tables: vec![
                table(
                    "api_logs",
                    vec![id, column("body", LogicalType::Json, true), options],
                ),
                table(
                    "organizations",
                    vec![column("id", LogicalType::Uuid, false), key, platform],
                ),
                table(
                    "users",
                    vec![
                        column("id", LogicalType::Uuid, false),
                        column("password_hash", LogicalType::Text, false),
                    ],
                ),
            ],
        }
    }

    /// What [`render`] writes of the tables (without the composites, which need the real
    /// schema).
    fn rendered(schema: &Schema) -> String {
        let mut out = String::new();
        for t in &schema.tables {
            render_table(&mut out, t);
        }
        render_constants(&mut out, &enums(schema));
        for t in &schema.tables {
            render_aliases(&mut out, t);
        }
        out
    }

    #[test]
    fn columns_the_database_fills_are_never_inserted_or_updated() {
        let text = rendered(&sample());
        assert!(section(&text, "api_logs", "Row").contains(&"id: number"));
        assert!(section(&text, "api_logs", "Insert").contains(&"id?: never"));
        assert!(section(&text, "api_logs", "Update").contains(&"id?: never"));
    }

    #[test]
    fn not_null_json_excludes_null_and_nullable_json_keeps_it() {
        let text = rendered(&sample());
        let row = section(&text, "api_logs", "Row");
        assert!(row.contains(&"options: NonNullable<Json>"), "{row:?}");
        assert!(row.contains(&"body: Json | null"), "{row:?}");
        assert!(section(&text, "api_logs", "Insert").contains(&"options?: NonNullable<Json>"));
    }

    #[test]
    fn a_table_whose_required_column_is_secret_is_not_insertable() {
        let text = rendered(&sample());
        assert!(text.contains("      users: {\n        Row: {\n          id: string\n        }\n        Insert: never\n"), "{text}");
        assert!(!text.contains("export type UsersInsert"), "{text}");
        assert!(text.contains("// No UsersInsert: a row of users needs a secret column"));
        // An optional secret leaves the table insertable without it.
        assert!(section(&text, "organizations", "Insert").contains(&"id: string"));
        assert!(text.contains("export type OrganizationsInsert = TablesInsert<\"organizations\">"));
        assert!(!text.contains("password_hash:") && !text.contains("opusclip_api_key_ciphertext:"));
    }

    #[test]
    fn constants_list_every_enum_value_in_check_order() {
        let text = rendered(&sample());
        assert!(
            text.contains(
                "export const Constants = {\n  public: {\n    Enums: {\n      organizations_platform: [\"x\", \"tiktok\"],\n    },\n  },\n} as const\n"
            ),
            "{text}"
        );
    }
}
