//! `renum types ts` and `renum types rust --check` end to end: the committed contract matches
//! the schema of both engines byte for byte, compiles under `tsc --strict`, and drift in the
//! schema is reported by both checks.

use std::path::{Path, PathBuf};

use crate::process::{renum, stdout};
use renum_db::testing::TestDb;
use renum_db::{Db, Engine};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn contract() -> PathBuf {
    repo_root().join("contract/database.types.ts")
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
        "export type PostWithVideo = PostsRow & { video: VideoSummary }",
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
    // users and sessions cannot be inserted without their secret: not insertable at all.
    assert_eq!(text.matches("        Insert: never\n").count(), 2, "{text}");
    for alias in ["UsersInsert =", "SessionsInsert ="] {
        assert!(
            !text.contains(alias),
            "{alias} presents itself as insertable"
        );
    }
    for secret in ["password_hash", "token_hash", "opusclip_api_key_ciphertext"] {
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

#[test]
fn the_committed_contract_compiles_under_tsc_strict_and_hides_secrets() {
    let Some(tsc) = tsc() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but tools/typescript/node_modules/.bin/tsc is missing: scripts/test installs it with npm ci"
        );
        eprintln!("skipped: TypeScript is not installed (run scripts/test, which installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(contract(), dir.path().join("database.types.ts")).unwrap();
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
    let out = std::process::Command::new(&tsc)
        .current_dir(dir.path())
        .args([
            "--strict", "--noEmit", "--target", "es2020", "--module", "es2020",
        ])
        .args(["database.types.ts", "usage.ts"])
        .output()
        .expect("run tsc");
    assert!(
        out.status.success(),
        "tsc failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
