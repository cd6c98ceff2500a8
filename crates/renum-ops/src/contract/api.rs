//! `renum types api`: the API's response and request bodies as TypeScript
//! (`contract/api.types.ts`), rendered from the component schemas of the server's own OpenAPI
//! document ([`renum::http::openapi_spec`], what `GET /openapi.json` serves).
//!
//! `database.types.ts` says what the tables hold; this file says what the API sends, which is
//! not the same thing (a DTO leaves out secret and internal columns, nests, computes). Both
//! come from one source each: the schema, and the DTOs' OpenAPI derives, so neither is kept
//! by hand. The renderer knows the JSON Schema the document uses and refuses any other
//! keyword, so a construct it cannot type fails the generation instead of becoming `unknown`.

use std::fmt::Write;

use renum_db::{Error, Result};
use serde_json::{Map, Value};

/// Where the committed API types live, relative to the repository root.
pub const API_CONTRACT_PATH: &str = "contract/api.types.ts";

const HEADER: &str = "\
// The API's bodies, generated from renum's OpenAPI document (`GET /openapi.json`) by
// `renum types api`. Do not edit by hand: change the DTOs (crates/renum/src/http/dto.rs),
// then run `renum types api --out contract/api.types.ts`. CI fails when this file no longer
// matches the document (`renum types api --check`). A property the document does not list
// as required is optional; a nullable one is `| null`.
";

/// Keywords that describe a value without changing its type.
const ANNOTATIONS: &[&str] = &[
    "description",
    "format",
    "example",
    "examples",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "minimum",
    "maximum",
    "pattern",
    "default",
    "title",
];

/// The whole `api.types.ts`, from the server's document.
pub fn render_document() -> Result<String> {
    let document = serde_json::to_value(renum::http::openapi_spec())
        .map_err(|e| Error::Config(format!("the OpenAPI document does not serialize: {e}")))?;
    render(&document)
}

/// The whole `api.types.ts`, from an OpenAPI 3.1 document as JSON.
pub fn render(document: &Value) -> Result<String> {
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::Config("the OpenAPI document has no component schemas".into()))?;
    // serde_json's map is ordered by key here (no `preserve_order`): output in name order.
    let mut rendered = Vec::new();
    for (name, schema) in schemas {
        let ty = Render { schemas, top: name }
            .type_of(schema, 0)
            .map_err(|e| Error::Config(format!("schema {name}: {e}")))?;
        let description = schema.get("description").and_then(Value::as_str);
        rendered.push((identifier(name)?, description, ty));
    }
    let generics = generics(&rendered, schemas);
    let mut out = String::from(HEADER);
    let mut declared: Vec<&str> = Vec::new();
    for (name, description, ty) in &rendered {
        out.push('\n');
        let base = generic_base(name);
        if let Some(generic) = generics.iter().find(|g| g.base == base) {
            if !declared.contains(&base) {
                declared.push(base);
                if let Some(text) = description {
                    doc_comment(&mut out, text, "");
                }
                let _ = writeln!(out, "export type {base}<T> = {}\n", generic.body);
            }
            let _ = writeln!(out, "export type {name} = {base}<{}>", argument(name));
            continue;
        }
        if let Some(text) = description {
            doc_comment(&mut out, text, "");
        }
        let _ = writeln!(out, "export type {name} = {ty}");
    }
    Ok(out)
}

/// The part of a generic instance's name before its argument (`Page_Post` → `Page`).
fn generic_base(name: &str) -> &str {
    name.split_once('_').map_or(name, |(base, _)| base)
}

/// The argument of a generic instance's name (`Page_Post` → `Post`; empty for none).
fn argument(name: &str) -> &str {
    name.split_once('_').map_or("", |(_, argument)| argument)
}

/// A generic DTO the file declares once.
struct Generic<'a> {
    base: &'a str,
    description: Option<&'a str>,
    /// The type with its argument replaced by `T`.
    body: String,
    instances: usize,
}

/// utoipa names each instance of a generic DTO `Base_Arg` (`Page_Post`, `Page_User`) and
/// spells each one out. When the instances of a base are the same type once their argument
/// is replaced by `T`, with the same description, the file declares `Base<T>` once and each
/// instance as `Base<Arg>` instead of repeating the body.
fn generics<'a>(
    rendered: &[(&'a str, Option<&'a str>, String)],
    schemas: &Map<String, Value>,
) -> Vec<Generic<'a>> {
    let mut found: Vec<Generic<'a>> = Vec::new();
    let mut refused: Vec<&str> = Vec::new();
    for (name, description, ty) in rendered {
        let (base, argument) = (generic_base(name), argument(name));
        if argument.is_empty() || schemas.contains_key(base) || !schemas.contains_key(argument) {
            continue;
        }
        let body = replace_word(ty, argument, "T");
        match found.iter_mut().find(|g| g.base == base) {
            Some(g) if g.body == body && g.description == *description => g.instances += 1,
            Some(_) => refused.push(base),
            None => found.push(Generic {
                base,
                description: *description,
                body,
                instances: 1,
            }),
        }
    }
    found.retain(|g| g.instances > 1 && !refused.contains(&g.base));
    found
}

/// `text` with every whole-identifier occurrence of `word` replaced by `with`.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        out.push_str(&rest[..at]);
        let before = out.chars().last();
        let after = rest[at + word.len()..].chars().next();
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// A schema's description as a JSDoc comment, so editors show it on hover.
fn doc_comment(out: &mut String, text: &str, indent: &str) {
    let text = text.replace("*/", "*\\/");
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        let _ = writeln!(out, "{indent}/** {first} */");
    } else {
        let _ = writeln!(out, "{indent}/**\n{indent} * {first}");
        for line in rest {
            let _ = writeln!(out, "{indent} * {line}");
        }
        let _ = writeln!(out, "{indent} */");
    }
}

/// A schema name as a TypeScript identifier (utoipa names generic instances `Page_Post`).
fn identifier(name: &str) -> Result<&str> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(name)
        .ok_or_else(|| Error::Config(format!("schema name {name:?} is not an identifier")))
}

/// Renders the schemas of one document.
struct Render<'a> {
    schemas: &'a Map<String, Value>,
    /// The component being rendered, which must not name itself.
    top: &'a str,
}

impl Render<'_> {
    /// The component an inline object is a copy of: utoipa inlines a generic's argument
    /// (`Page<Post>`'s items are `Post` spelled out), and naming it keeps one definition.
    fn named(&self, schema: &Value) -> Option<&str> {
        schema.get("properties")?;
        self.schemas
            .iter()
            .find(|(name, component)| *name != self.top && *component == schema)
            .map(|(name, _)| name.as_str())
    }

    /// The TypeScript type of `schema`; `depth` is the nesting of inline objects (indentation).
    fn type_of(&self, schema: &Value, depth: usize) -> std::result::Result<String, String> {
        if let Some(name) = self.named(schema) {
            return Ok(name.to_owned());
        }
        let Some(map) = schema.as_object() else {
            return match schema {
                Value::Bool(true) => Ok("unknown".into()),
                other => Err(format!("unsupported schema {other}")),
            };
        };
        let unknown: Vec<&String> = map
            .keys()
            .filter(|k| {
                !ANNOTATIONS.contains(&k.as_str())
                    && ![
                        "$ref",
                        "oneOf",
                        "anyOf",
                        "allOf",
                        "enum",
                        "type",
                        "items",
                        "properties",
                        "required",
                        "additionalProperties",
                    ]
                    .contains(&k.as_str())
            })
            .collect();
        if !unknown.is_empty() {
            return Err(format!("unsupported keyword(s) {unknown:?}"));
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .ok_or_else(|| format!("unsupported $ref {reference}"))?;
            return identifier(name)
                .map(str::to_owned)
                .map_err(|e| e.to_string());
        }
        for (keyword, joiner) in [("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")] {
            if let Some(parts) = map.get(keyword) {
                let parts = parts
                    .as_array()
                    .ok_or_else(|| format!("{keyword} is not a list"))?;
                let types = parts
                    .iter()
                    .map(|p| self.type_of(p, depth).map(|t| parenthesise(&t)))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                return Ok(types.join(joiner));
            }
        }
        let types: Vec<&str> = match map.get("type") {
            None => Vec::new(),
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .map(|t| t.as_str().ok_or("a type that is not a string"))
                .collect::<std::result::Result<_, _>>()?,
            Some(other) => return Err(format!("unsupported type {other}")),
        };
        if let Some(values) = map.get("enum") {
            let values = values.as_array().ok_or("enum is not a list")?;
            let mut literals: Vec<String> = values.iter().map(Value::to_string).collect();
            if types.contains(&"null") && !values.contains(&Value::Null) {
                literals.push("null".into());
            }
            return Ok(literals.join(" | "));
        }
        if types.is_empty() {
            // `{}`: any JSON value (an API log's stored body).
            return Ok("unknown".into());
        }
        let rendered = types
            .iter()
            .map(|t| match *t {
                "string" => Ok("string".to_owned()),
                "integer" | "number" => Ok("number".to_owned()),
                "boolean" => Ok("boolean".to_owned()),
                "null" => Ok("null".to_owned()),
                "array" => {
                    let items = map.get("items").ok_or("an array without items")?;
                    Ok(format!("{}[]", parenthesise(&self.type_of(items, depth)?)))
                }
                "object" => self.object(map, depth),
                other => Err(format!("unsupported type {other:?}")),
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(rendered.join(" | "))
    }

    /// An object: its properties (optional unless required), then any additional properties.
    fn object(
        &self,
        map: &Map<String, Value>,
        depth: usize,
    ) -> std::result::Result<String, String> {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = map.get("properties").and_then(Value::as_object);
        let extra = match map.get("additionalProperties") {
            None | Some(Value::Bool(false)) if properties.is_some() => None,
            None | Some(Value::Bool(_)) => Some("unknown".to_owned()),
            Some(schema) => Some(self.type_of(schema, depth + 1)?),
        };
        let inner = "  ".repeat(depth + 1);
        let mut out = String::from("{\n");
        for (name, schema) in properties.into_iter().flatten() {
            if let Some(text) = schema.get("description").and_then(Value::as_str) {
                doc_comment(&mut out, text, &inner);
            }
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            let _ = writeln!(
                out,
                "{inner}{}{optional}: {}",
                property(name),
                self.type_of(schema, depth + 1)
                    .map_err(|e| format!("{name}: {e}"))?
            );
        }
        if let Some(extra) = extra {
            let _ = writeln!(out, "{inner}[key: string]: {extra}");
        }
        out.push_str(&"  ".repeat(depth));
        out.push('}');
        Ok(out)
    }
}

fn property(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_owned()
    } else {
        Value::String(name.to_owned()).to_string()
    }
}

/// Wraps a type that may hold a union or intersection (perhaps only in an inline object's
/// members, where the parentheses are harmless) so that `[]` or another operator binds to
/// all of it.
fn parenthesise(ty: &str) -> String {
    if ty.contains(" | ") || ty.contains(" & ") {
        format!("({ty})")
    } else {
        ty.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({ "openapi": "3.1.0", "components": { "schemas": schemas } })
    }

    #[test]
    fn objects_refs_nullables_and_enums_render_as_typescript() {
        let text = render(&doc(json!({
            "Platform": { "type": "string", "enum": ["x", "tiktok"] },
            "Post": {
                "type": "object",
                "description": "A post.",
                "required": ["id", "platform", "hashtags"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "platform": { "$ref": "#/components/schemas/Platform" },
                    "hashtags": { "type": "array", "items": { "type": "string" } },
                    "published_at": { "oneOf": [{ "type": "null" }, { "type": "string" }] },
                    "score": { "type": ["number", "null"] },
                    "body": {},
                    "options": { "type": "object" }
                }
            }
        })))
        .unwrap();
        assert!(
            text.contains("export type Platform = \"x\" | \"tiktok\"\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "/** A post. */\nexport type Post = {\n  body?: unknown\n  hashtags: string[]\n  id: string\n  options?: {\n    [key: string]: unknown\n  }\n  platform: Platform\n  published_at?: null | string\n  score?: number | null\n}\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn replace_word_replaces_whole_identifiers_only() {
        assert_eq!(
            replace_word("items: Post[]; p: PostVideo; Post", "Post", "T"),
            "items: T[]; p: PostVideo; T"
        );
    }

    #[test]
    fn a_keyword_the_renderer_does_not_know_fails_instead_of_typing_unknown() {
        let err = render(&doc(json!({ "X": { "type": "string", "const": "a" } }))).unwrap_err();
        assert!(err.to_string().contains("schema X"), "{err}");
        assert!(err.to_string().contains("const"), "{err}");
    }

    #[test]
    fn the_server_document_renders_the_post_the_feed_returns() {
        let text = render_document().unwrap();
        let post = text
            .split("\nexport type Post = {\n")
            .nth(1)
            .and_then(|rest| rest.split("\n}\n").next())
            .expect("a Post type");
        assert!(post.contains("  video: PostVideo"), "{post}");
        // The page is declared once, generic, and its items name the component.
        assert!(
            text.contains("export type Page<T> = {\n  items: T[]\n"),
            "{text}"
        );
        assert!(
            text.contains("export type Page_Post = Page<Post>\n"),
            "{text}"
        );
        for internal in ["organization_id", "locked_by", "locked_until"] {
            assert!(!post.contains(internal), "Post has {internal}: {post}");
        }
    }
}
