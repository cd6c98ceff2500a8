//! `renum bench` end to end on both engines, as small and short as it goes: a seeded
//! database, a real `renum serve` on loopback, every scenario but signin (argon2 by design)
//! for one second. It checks that each scenario runs and reports, never a speed, and that
//! `--doc` writes the run into its engine's section of a Markdown file and nothing else.

use std::time::Duration;

use renum_db::Engine;
use renum_db::testing::TestDb;
use serde_json::Value;

use crate::process::{comes_up, command, free_port, renum, stdout};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_end_to_end_and_reports() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = TestDb::empty(engine).await;
        let seed = renum(
            &t.url,
            &[
                "seed",
                "--organizations",
                "2",
                "--users-per-org",
                "2",
                "--videos-per-org",
                "20",
                "--posts-per-video",
                "4",
                "--api-logs",
                "0",
            ],
        )
        .await;
        assert!(seed.status.success(), "{engine:?}: {seed:?}");
        let email = stdout(&seed)
            .lines()
            .find_map(|l| l.strip_prefix("sign in as "))
            .and_then(|l| l.split_whitespace().next())
            .expect("seed prints a login")
            .to_owned();

        let base = format!("http://127.0.0.1:{}", free_port());
        let data_dir = tempfile::tempdir().unwrap();
        let mut server = command(
            &t.url,
            &["serve", "--bind", base.trim_start_matches("http://")],
        )
        .env("RENUM_DATA_DIR", data_dir.path())
        .env(
            "RENUM_MASTER_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .kill_on_drop(true)
        .spawn()
        .expect("start renum serve");
        let client = reqwest::Client::new();
        let up = comes_up(&client, &format!("{base}/healthz"), Duration::from_secs(10)).await;
        assert!(up, "{engine:?}: the server did not come up");

        // The other engine's section and the prose around must come out byte for byte.
        let other = match engine {
            Engine::Postgres => "sqlite",
            Engine::Sqlite => "postgres",
        };
        let prose = format!(
            "# Benchmarks\n\nHand-written prose.\n\n<!-- renum bench: BEGIN {other} -->\n\
             figures of the other engine\n<!-- renum bench: END {other} -->\n"
        );
        let doc = data_dir.path().join("BENCHMARKS.md");
        std::fs::write(&doc, &prose).unwrap();

        let server_pid = server.id().expect("the server runs").to_string();
        let out = renum(
            &t.url,
            &[
                "bench",
                "--url",
                &base,
                "--server-pid",
                &server_pid,
                "--engine",
                engine.as_str(),
                "--scenario",
                "feed,me,floor,ingest,purge",
                "--duration",
                "1s",
                "--connections",
                "2",
                "--rounds",
                "2",
                "--email",
                &email,
                "--password",
                renum_ops::seed::PASSWORD,
                "--purge-rows",
                "2000",
                "--json",
                "--doc",
                doc.to_str().unwrap(),
            ],
        )
        .await;
        server.kill().await.expect("stop the server");
        assert!(out.status.success(), "{engine:?}: {out:?}");
        let reports: Vec<Value> = serde_json::from_str(&stdout(&out)).expect("JSON output");
        let names: Vec<&str> = reports
            .iter()
            .map(|r| r["scenario"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["feed", "me", "floor", "ingest", "purge"],
            "{engine:?}"
        );
        for r in &reports {
            assert_eq!(r["engine"], engine.as_str());
            assert!(r["rate"].as_f64().unwrap() > 0.0, "{engine:?}: {r}");
        }
        for http in &reports[..2] {
            assert_eq!(http["http"]["errors"], 0, "{engine:?}: {http}");
            // CPU per request, of the server and of the generator, read from /proc.
            for cpu in ["server_cpu_ms", "generator_cpu_ms"] {
                assert!(
                    http["http"][cpu].as_f64().unwrap() >= 0.0,
                    "{engine:?}: {http}"
                );
            }
            // What the whole machine spent per request and per baseline operation (/proc/stat).
            for side in [&http["http"], &http["baseline"]] {
                assert!(
                    side["machine_cpu_ms"].as_f64().unwrap() > 0.0,
                    "{engine:?}: {http}"
                );
            }
            // The reported round is one of the two, and its ratio is its own rates'.
            let note = http["note"].as_str().unwrap();
            assert!(
                note.starts_with("median of 2 alternating rounds (ratios "),
                "{note}"
            );
            let ratio = http["ratio"].as_f64().unwrap();
            let own = http["rate"].as_f64().unwrap() / http["baseline"]["rate"].as_f64().unwrap();
            assert!((ratio - own).abs() < 1e-9, "{engine:?}: {http}");
            assert!(
                note.contains(&format!("{ratio:.2}")),
                "{note} lacks {ratio:.2}"
            );
            // PostgreSQL: pgbench also ran the request's two statements, its session check
            // under \gset, so it found the bench's session on every transaction.
            let with_session = &http["baseline"]["with_session"];
            match engine {
                Engine::Postgres => {
                    assert!(with_session.as_f64().unwrap() > 0.0, "{http}");
                    assert!(note.contains("sessions.AUTHENTICATE"), "{note}");
                }
                Engine::Sqlite => assert!(with_session.is_null(), "{http}"),
            }
        }
        // The floor: requests to /healthz, the server's CPU per request, no baseline.
        let floor = &reports[2];
        assert_eq!(floor["http"]["errors"], 0, "{engine:?}: {floor}");
        assert!(floor["http"]["requests"].as_u64().unwrap() > 0, "{floor}");
        assert!(
            floor["http"]["server_cpu_ms"].as_f64().unwrap() >= 0.0,
            "{floor}"
        );
        assert!(
            floor["baseline"].is_null() && floor["ratio"].is_null(),
            "{floor}"
        );
        // SQLite has no partitions, so purge has nothing to compare its delete with; every
        // other scenario has its baseline (pgbench, or the same statement through renum_db).
        let with_baseline = match engine {
            Engine::Postgres => vec!["feed", "me", "ingest", "purge"],
            Engine::Sqlite => vec!["feed", "me", "ingest"],
        };
        for r in &reports {
            let name = r["scenario"].as_str().unwrap();
            assert_eq!(
                r["ratio"].is_f64(),
                with_baseline.contains(&name),
                "{engine:?}: {r}"
            );
        }
        let ingest = &reports[3]["details"];
        assert!(ingest["written"].as_u64().unwrap() > 0, "{ingest}");
        assert_eq!(
            (&ingest["dropped"], &ingest["failed"]),
            (&0.into(), &0.into())
        );
        let purge = &reports[4]["details"];
        assert_eq!(purge["delete_rows"], 2000, "{engine:?}: {purge}");
        let dropped = if engine == Engine::Postgres { 2000 } else { 0 };
        assert_eq!(purge["drop_rows"], dropped, "{engine:?}: {purge}");

        let written = std::fs::read_to_string(&doc).unwrap();
        let (kept, section) = written
            .split_once(&format!(
                "\n<!-- renum bench: BEGIN {} -->\n",
                engine.as_str()
            ))
            .unwrap_or_else(|| panic!("{engine:?}: no section appended:\n{written}"));
        assert_eq!(
            kept, prose,
            "{engine:?}: the prose and the other section changed"
        );
        let section = section
            .strip_suffix(&format!("<!-- renum bench: END {} -->\n", engine.as_str()))
            .unwrap_or_else(|| panic!("{engine:?}: the section does not end the file:\n{written}"));
        assert!(section.starts_with("### Latest run: "), "{section}");
        for name in names {
            assert!(
                section.contains(&format!("\n| {name} | ")),
                "{engine:?}: no {name} row:\n{section}"
            );
        }
        assert!(
            section.contains(&format!("bench --url {base} ")),
            "{section}"
        );
        // Passwords are masked: the flag's, and the database URL's (from DATABASE_URL).
        assert!(!section.contains(renum_ops::seed::PASSWORD), "{section}");
        let redacted = renum_db::redact_url(&t.url);
        assert!(section.contains(&format!("`{redacted}`")), "{section}");
        if redacted != t.url {
            assert!(!section.contains(&t.url), "{section}");
        }
        t.cleanup().await;
    }
}
