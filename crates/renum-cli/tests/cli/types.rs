//! `renum types ts`, `renum types api` and `renum types rust --check` end to end: the
//! committed contract matches the schema of both engines byte for byte and the server's
//! OpenAPI document, compiles under `tsc --strict`, a real response of every read route
//! type-checks against the API types, and drift in the schema is reported by both checks.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::process::{comes_up, command, free_bind, renum, stdout};
use renum_db::testing::TestDb;
use renum_db::{Db, Engine};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn contract() -> PathBuf {
    repo_root().join("contract/database.types.ts")
}

fn api_contract() -> PathBuf {
    repo_root().join("contract/api.types.ts")
}

async fn exec(db: &Db, sql: &str) {
    match db {
        Db::Postgres(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .map(|_| ()),
        Db::Sqlite(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn the_contract_is_the_same_bytes_from_sqlite_and_postgres_and_is_committed() {
    let mut generated = Vec::new();
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        let out = renum(&t.url, &["types", "ts"]).await;
        assert!(out.status.success(), "{engine:?}: {out:?}");
        generated.push(stdout(&out));
        let check = contract().display().to_string();
        let checked = renum(&t.url, &["types", "ts", "--check", &check]).await;
        assert!(checked.status.success(), "{engine:?}: {}", stdout(&checked));
        t.cleanup().await;
    }
    assert_eq!(generated[0], generated[1], "SQLite and PostgreSQL disagree");
    let text = &generated[0];
    for expected in [
        "export type Database = {",
        "Relationships: [",
        "export type Tables<",
        "export type TablesInsert<",
        "export type TablesUpdate<",
        "export type Enums<",
        "export type ApiLogsRow = Tables<\"api_logs\">",
        "export type UserWithOrganization = {",
        "export type { Post as PostWithVideo } from \"./api.types\"",
        "posts_status: \"draft\" | \"scheduled\" | \"publishing\" | \"published\" | \"failed\" | \"cancelled\"",
        "hashtags: string[]",
        "captions: Json | null",
        // GENERATED ALWAYS AS IDENTITY: PostgreSQL refuses a value, in inserts and updates.
        "          id?: never",
        // jsonb NOT NULL refuses null, which `Json` includes.
        "          options: NonNullable<Json>",
        "export const Constants = {",
        "      posts_platform: [\"instagram\", \"tiktok\", \"facebook\", \"youtube\", \"linkedin\", \"x\"],",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    assert!(!text.contains("id?: number"), "api_logs.id is settable");
    // users, sessions, email_tokens, invitations and mail_outbox cannot be inserted without their
    // secret: not insertable at all.
    assert_eq!(text.matches("        Insert: never\n").count(), 5, "{text}");
    for alias in [
        "UsersInsert =",
        "SessionsInsert =",
        "EmailTokensInsert =",
        "MailOutboxInsert =",
        "InvitationsInsert =",
    ] {
        assert!(
            !text.contains(alias),
            "{alias} presents itself as insertable"
        );
    }
    for secret in [
        "password_hash",
        "token_hash",
        "opusclip_api_key_ciphertext",
        "body_text",
        "body_html",
    ] {
        assert!(!text.contains(secret), "the secret column {secret} leaked");
    }
}

#[tokio::test]
async fn check_fails_with_a_readable_diff_once_the_schema_moves_on() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        exec(&t.db, "ALTER TABLE videos ADD COLUMN tagline TEXT").await;
        let check = contract().display().to_string();
        let out = renum(&t.url, &["types", "ts", "--check", &check]).await;
        assert_eq!(out.status.code(), Some(1), "{engine:?}: {out:?}");
        let diff = stdout(&out);
        assert!(diff.contains("does not match the schema"), "{diff}");
        assert!(
            diff.lines()
                .any(|l| l.starts_with('+') && l.contains("tagline: string | null")),
            "{diff}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("renum types ts --out"), "{stderr}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn rust_check_passes_on_the_migrated_schema_and_reports_planted_drift() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::new(engine).await;
        let ok = renum(&t.url, &["types", "rust", "--check"]).await;
        assert!(ok.status.success(), "{engine:?}: {}", stdout(&ok));

        exec(&t.db, "ALTER TABLE videos ADD COLUMN tagline TEXT").await;
        let mut expected = vec!["videos.tagline (text, null) has no field in models::VideoRow"];
        if engine == Engine::Postgres {
            exec(&t.db, "ALTER TABLE videos ALTER COLUMN score TYPE integer").await;
            exec(&t.db, "ALTER TABLE videos ALTER COLUMN script SET NOT NULL").await;
            exec(
                &t.db,
                "ALTER TABLE posts DROP CONSTRAINT posts_platform_check; \
                 ALTER TABLE posts ADD CONSTRAINT posts_platform_check CHECK (platform IN ('x', 'tiktok'))",
            )
            .await;
            expected.extend([
                "models::VideoRow.score holds double precision but videos.score is integer",
                "videos.script is NOT NULL but models::VideoRow.script is an Option",
                "models::PostRow.platform allows",
            ]);
        }
        let out = renum(&t.url, &["types", "rust", "--check"]).await;
        assert_eq!(out.status.code(), Some(1), "{engine:?}: {out:?}");
        let report = stdout(&out);
        for e in expected {
            assert!(report.contains(e), "{engine:?}: missing {e:?} in\n{report}");
        }
        t.cleanup().await;
    }
}

/// The compiler pinned in tools/typescript (scripts/test installs it with `npm ci`).
fn tsc() -> Option<PathBuf> {
    let tsc = repo_root().join("tools/typescript/node_modules/.bin/tsc");
    tsc.exists().then_some(tsc)
}

/// The compiler, or `None` (the test skips) when it is not installed; under `CI=true` a
/// missing compiler fails the test instead.
fn tsc_or_skip() -> Option<PathBuf> {
    let tsc = tsc();
    if tsc.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but tools/typescript/node_modules/.bin/tsc is missing: scripts/test installs it with npm ci"
        );
        eprintln!("skipped: TypeScript is not installed (run scripts/test, which installs it)");
    }
    tsc
}

/// Copies both committed contract files into `dir` and compiles them with `files` under
/// `tsc --strict`; panics with the compiler's output when it fails.
fn compile(tsc: &Path, dir: &Path, files: &[&str]) {
    std::fs::copy(contract(), dir.join("database.types.ts")).unwrap();
    std::fs::copy(api_contract(), dir.join("api.types.ts")).unwrap();
    let out = std::process::Command::new(tsc)
        .current_dir(dir)
        .args([
            "--strict", "--noEmit", "--target", "es2020", "--module", "es2020",
        ])
        .args(["database.types.ts", "api.types.ts"])
        .args(files)
        .output()
        .expect("run tsc");
    assert!(
        out.status.success(),
        "tsc failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_committed_contract_compiles_under_tsc_strict_and_hides_secrets() {
    let Some(tsc) = tsc_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // How a front end uses the contract; the secret column must not type-check.
    std::fs::write(
        dir.path().join("usage.ts"),
        r#"import type { ApiLogsInsert, ApiLogsUpdate, ClipProjectsInsert, ClipProjectsRow, Enums, PostsInsert, PostWithVideo, TablesInsert, TablesUpdate, UserWithOrganization, UsersRow } from "./database.types"
import { Constants } from "./database.types"

const status: Enums<"posts_status"> = "scheduled"
const insert: PostsInsert = {
  id: "0190d5f0-0000-7000-8000-000000000000",
  organization_id: "0190d5f0-0000-7000-8000-000000000001",
  video_id: "0190d5f0-0000-7000-8000-000000000002",
  created_by: "0190d5f0-0000-7000-8000-000000000003",
  platform: "tiktok",
  scheduled_at: "2026-11-25T12:00:00.000000Z",
  status,
}
const patch: TablesUpdate<"videos"> = { title: "new" }
export function title(p: PostWithVideo): string {
  return p.video.title + p.description
}
export function plan(u: UserWithOrganization): "free" | "starter" | "pro" {
  return u.organization_plan
}
// @ts-expect-error the password hash is not part of the public contract
export type Secret = UsersRow["password_hash"]
// @ts-expect-error the feed does not send the publishing lease
export type Lease = PostWithVideo["locked_by"]
// @ts-expect-error nor the organization
export type Org = PostWithVideo["organization_id"]
// @ts-expect-error platforms are a closed list
export const bad: PostsInsert = { ...insert, platform: "myspace" }
const log: ApiLogsInsert = { direction: "inbound", duration_ms: 3, endpoint: "/v1/me", method: "GET", service: "renum" }
// @ts-expect-error api_logs.id is GENERATED ALWAYS AS IDENTITY: PostgreSQL refuses a value
export const loggedWithId: ApiLogsInsert = { ...log, id: 1 }
// @ts-expect-error nor can an update set it
export const renumbered: ApiLogsUpdate = { id: 2 }
// @ts-expect-error clip_projects.options is jsonb NOT NULL
export const noOptions: ClipProjectsInsert = { id: "p", organization_id: "o", video_id: "v", options: null }
export function options(p: ClipProjectsRow): string | number | boolean | object {
  return p.options
}
// @ts-expect-error a user cannot be inserted without the password hash, which is secret
export const user: TablesInsert<"users"> = { id: "u", organization_id: "o", email: "a@b.c", full_name: "A" }
// @ts-expect-error nor a session without its token hash
export const session: TablesInsert<"sessions"> = { id: "s", user_id: "u", expires_at: "2026-01-01T00:00:00Z" }
// Constants holds every value of the enum, typed as its literals.
const platforms: readonly Enums<"posts_platform">[] = Constants.public.Enums.posts_platform
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const everyPlatform: Exactly<(typeof Constants.public.Enums.posts_platform)[number], Enums<"posts_platform">> = true
export { insert, patch, log, platforms }
"#,
    )
    .unwrap();
    compile(&tsc, dir.path(), &["usage.ts"]);
}

#[tokio::test]
async fn the_api_types_are_the_servers_openapi_document_and_check_fails_once_they_differ() {
    // No database: the document is built in process.
    let url = "sqlite:///nonexistent/never-opened.db";
    let check = api_contract().display().to_string();
    let ok = renum(url, &["types", "api", "--check", &check]).await;
    assert!(ok.status.success(), "{}", stdout(&ok));

    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("api.types.ts");
    let committed = std::fs::read_to_string(api_contract()).unwrap();
    std::fs::write(&stale, committed.replace("  video: PostVideo\n", "")).unwrap();
    let out = renum(
        url,
        &["types", "api", "--check", &stale.display().to_string()],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with('+') && l.contains("video: PostVideo")),
        "{}",
        stdout(&out)
    );
}

/// Sends `request`, which must succeed; its JSON body.
async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{response:?}");
    response.json().await.unwrap()
}

/// `GET` of `path` with the session's token; its JSON body (200 required).
async fn get(http: &reqwest::Client, api: &str, token: &str, path: &str) -> serde_json::Value {
    let response = http
        .get(format!("{api}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.unwrap()
}

/// One seeded id as text, by a query both engines run.
async fn seeded_id(db: &Db, sql: &str) -> String {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .expect("seeded row")
}

/// A fixed master key (any 32 bytes), so the server does not create one of its own.
const MASTER_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

#[tokio::test]
async fn a_real_response_of_every_read_route_type_checks_against_the_api_types() {
    let Some(tsc) = tsc_or_skip() else {
        return;
    };
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::empty(engine).await;
        let seeded = renum(&t.url, &["seed", "--demo"]).await;
        assert!(seeded.status.success(), "{engine:?}: {seeded:?}");
        // A source video of the demo owner's organization with a clip project, so the clip
        // routes answer with items.
        let owner_org = format!(
            "(SELECT organization_id FROM users WHERE email = '{}')",
            renum_ops::seed::DEMO_EMAIL
        );
        let project = seeded_id(
            &t.db,
            &format!("SELECT CAST(id AS TEXT) FROM clip_projects WHERE organization_id = {owner_org} ORDER BY id LIMIT 1"),
        )
        .await;
        let source = seeded_id(
            &t.db,
            &format!("SELECT CAST(video_id AS TEXT) FROM clip_projects WHERE id = '{project}'"),
        )
        .await;

        let bind = free_bind();
        let data = tempfile::tempdir().unwrap();
        let mut server = command(&t.url, &["serve", "--bind", &bind])
            .env("RENUM_MASTER_KEY", MASTER_KEY)
            .env("RENUM_DATA_DIR", data.path())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let api = format!("http://{bind}");
        let http = reqwest::Client::new();
        assert!(comes_up(&http, &format!("{api}/readyz"), Duration::from_secs(30)).await);
        let signin = json_of(
            http.post(format!("{api}/v1/auth/signin"))
                .json(&serde_json::json!({
                    "email": renum_ops::seed::DEMO_EMAIL, "password": renum_ops::seed::PASSWORD
                })),
        )
        .await;
        let token = signin["session"]["token"]
            .as_str()
            .expect("a token")
            .to_owned();
        let posts = get(&http, &api, &token, "/v1/posts").await;
        let post = posts["items"][0]["id"].as_str().expect("a post").to_owned();

        // Every read route the document lists, with the schema it promises for 200.
        let document = json_of(http.get(format!("{api}/openapi.json"))).await;
        let mut checks = String::from("import type * as Api from \"./api.types\"\n");
        let mut routes = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            let Some(schema) = item
                .pointer("/get/responses/200/content/application~1json/schema/$ref")
                .and_then(|r| r.as_str())
            else {
                continue;
            };
            let id = if path.starts_with("/v1/clip-projects/") {
                &project
            } else if path.starts_with("/v1/posts/") {
                &post
            } else {
                &source
            };
            let concrete = path.replace("{id}", id);
            let body = get(&http, &api, &token, &concrete).await;
            if let Some(items) = body.get("items") {
                assert!(
                    items.as_array().is_some_and(|i| !i.is_empty()),
                    "{engine:?}: GET {concrete} has no items to check"
                );
            }
            let name = schema.rsplit('/').next().unwrap();
            let _ = writeln!(
                checks,
                "// GET {path}\nexport const r{}: Api.{name} = {body}",
                routes.len()
            );
            routes.push(path.clone());
        }
        for read in [
            "/v1/me",
            "/v1/posts",
            "/v1/posts/{id}",
            "/v1/videos",
            "/v1/videos/{id}",
            "/v1/videos/{id}/clips",
            "/v1/videos/{id}/clip-projects",
            "/v1/clip-projects/{id}",
            "/v1/organization",
            "/v1/organization/members",
            "/v1/api-logs",
        ] {
            assert!(routes.iter().any(|r| r == read), "{read} was not checked");
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("responses.ts"), &checks).unwrap();
        compile(&tsc, dir.path(), &["responses.ts"]);
        server.kill().await.unwrap();
        t.cleanup().await;
    }
}
