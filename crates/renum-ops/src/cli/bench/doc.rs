//! `renum bench --doc PATH`: the run's figures, with the machine, the versions and the command
//! that produced them, written into PATH between `<!-- renum bench: BEGIN <section> -->` and
//! its END marker. The section is named after the engine unless `--doc-section` names it
//! (one per server configuration, say), so each run regenerates its own and the
//! hand-written prose around them is never touched.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use renum_db::Engine;

use super::machine::Machine;
use super::{Measured, Report};

/// Everything a section says besides the reports.
pub struct Run<'a> {
    pub engine: Engine,
    /// The marker name ([`section_name`]).
    pub section: &'a str,
    pub at: DateTime<Utc>,
    pub machine: &'a Machine,
    pub server_version: &'a str,
    /// Already masked ([`command_line`]).
    pub command: &'a str,
    /// Already redacted: `DATABASE_URL` is not on the command line.
    pub database_url: &'a str,
}

/// `--doc-section`, or the engine's name: lowercase words joined by `-`, so it can neither
/// end the marker's comment nor differ from another run's by spacing alone.
pub fn section_name(engine: Engine, name: Option<&str>) -> anyhow::Result<String> {
    let name = name.unwrap_or(engine.as_str());
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if !name.split('-').all(word) {
        bail!("--doc-section {name:?}: use lowercase letters, digits and single dashes");
    }
    Ok(name.to_owned())
}

fn markers(section: &str) -> (String, String) {
    (
        format!("<!-- renum bench: BEGIN {section} -->"),
        format!("<!-- renum bench: END {section} -->"),
    )
}

/// The section between the markers (ending with a blank line).
pub fn render(run: &Run, reports: &[Report]) -> String {
    let m = run.machine;
    let engine = match run.engine {
        Engine::Postgres => "PostgreSQL",
        Engine::Sqlite => "SQLite",
    };
    let unknown = || "unknown".to_owned();
    let load = |l: Option<f64>| l.map_or_else(unknown, |l| format!("{l:.2}"));
    let mut s = if run.section == run.engine.as_str() {
        format!("### Latest run: {engine}\n\n")
    } else {
        format!("### Latest run: {engine}, `{}`\n\n", run.section)
    };
    s += "Written by `renum bench --doc`: the next run with this section name replaces \
          everything between the markers.\n\n";
    let _ = writeln!(
        s,
        "- **When:** {}",
        run.at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    let _ = writeln!(
        s,
        "- **Machine:** {}, {} cores, {} memory, kernel {}",
        m.cpu.clone().unwrap_or_else(unknown),
        m.cores,
        m.memory_bytes.map_or_else(unknown, |b| format!(
            "{:.1} GiB",
            b as f64 / (1u64 << 30) as f64
        )),
        m.kernel.clone().unwrap_or_else(unknown)
    );
    let _ = writeln!(
        s,
        "- **Load average (1 min):** {} at the start, {} at the end",
        load(m.load_start),
        load(m.load_end)
    );
    let _ = writeln!(s, "- **Database:** {engine} {}", run.server_version);
    let _ = writeln!(s, "- **Database URL:** `{}`", run.database_url);
    let _ = writeln!(s, "- **renum:** {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(s, "\nCommand:\n\n```sh\n{}\n```\n", run.command);
    s += "| scenario | rate | p50 ms | p95 ms | p99 ms | baseline | baseline rate | ratio | note |\n";
    s += "|---|---:|---:|---:|---:|---|---:|---:|---|\n";
    for r in reports {
        let ms = |f: fn(&Measured) -> f64| {
            r.http
                .as_ref()
                .map_or(DASH.into(), |h| format!("{:.2}", f(h)))
        };
        let note = match &r.http {
            Some(h) => format!(
                "{} requests, {} errors; {}",
                grouped(h.requests as u64),
                grouped(h.errors as u64),
                r.note
            ),
            None => r.note.clone(),
        };
        let _ = writeln!(
            s,
            "| {} | {} {} | {} | {} | {} | {} | {} | {} | {} |",
            r.scenario.name(),
            rate(r.rate),
            r.unit,
            ms(|h| h.p50_ms),
            ms(|h| h.p95_ms),
            ms(|h| h.p99_ms),
            r.baseline.as_ref().map_or(DASH.into(), |b| cell(&b.what)),
            r.baseline
                .as_ref()
                .map_or(DASH.into(), |b| format!("{} {}", rate(b.rate), r.unit)),
            r.ratio.map_or(DASH.into(), |x| format!("{x:.2}")),
            cell(&note)
        );
    }
    // A blank line ends the table: some renderers read a following line as one more row.
    s.push('\n');
    s
}

const DASH: &str = "–";

/// Whole units with thousands separators, like the hand-written tables; one decimal below
/// 100 (signin on a small machine).
fn rate(x: f64) -> String {
    if x < 100.0 {
        format!("{x:.1}")
    } else {
        grouped(x.round() as u64)
    }
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text that stays inside one table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `doc` with the section `name` replaced by `section`, or appended with its markers when the
/// document has none. Markers that do not pair up are refused rather than guessed at.
pub fn splice(doc: &str, name: &str, section: &str) -> anyhow::Result<String> {
    let (begin, end) = markers(name);
    let wrapped = format!("{begin}\n{section}{end}");
    let once = |marker: &str| doc.matches(marker).count() == 1;
    match (doc.find(&begin), doc.find(&end)) {
        (None, None) => {
            let mut out = doc.to_owned();
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push('\n');
            }
            Ok(out + &wrapped + "\n")
        }
        (Some(b), Some(e)) if b < e && once(&begin) && once(&end) => {
            Ok(format!("{}{wrapped}{}", &doc[..b], &doc[e + end.len()..]))
        }
        _ => bail!("expected one `{begin}` followed by one `{end}`, or neither"),
    }
}

/// Whether `path` can take the section `name`, before a run that may last minutes.
pub fn check(path: &Path, name: &str) -> anyhow::Result<()> {
    spliced(path, name, "").map(drop)
}

/// Splices `section` into `path` through a temporary file in the same directory renamed over
/// it, so a reader or a crash never sees half a document.
pub fn write(path: &Path, name: &str, section: &str) -> anyhow::Result<()> {
    let text = spliced(path, name, section)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let failed = || format!("cannot write {}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(failed)?;
    tmp.write_all(text.as_bytes()).with_context(failed)?;
    // The temporary file is private (0600); the document keeps its own mode.
    let permissions = fs::metadata(path).with_context(failed)?.permissions();
    tmp.as_file()
        .set_permissions(permissions)
        .with_context(failed)?;
    tmp.as_file().sync_all().with_context(failed)?;
    tmp.persist(path).with_context(failed)?;
    Ok(())
}

fn spliced(path: &Path, name: &str, section: &str) -> anyhow::Result<String> {
    let doc =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    splice(&doc, name, section).with_context(|| format!("{} left unchanged", path.display()))
}

/// The command line as typed, to reproduce the run: shell-quoted, with `--password`'s value
/// and the password of any URL masked.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    let mut words = Vec::new();
    let mut secret_next = false;
    for arg in args {
        let shown = if secret_next {
            "***".to_owned()
        } else if arg.starts_with("--password=") {
            "--password=***".to_owned()
        } else {
            renum_db::redact_url(&arg)
        };
        secret_next = arg == "--password";
        words.push(shell_quote(&shown));
    }
    words.join(" ")
}

fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Baseline, Scenario};
    use super::*;

    const PG_BEGIN: &str = "<!-- renum bench: BEGIN postgres -->";
    const PG_END: &str = "<!-- renum bench: END postgres -->";
    const SQLITE: &str = "<!-- renum bench: BEGIN sqlite -->\nold sqlite figures\n\
                          <!-- renum bench: END sqlite -->";

    #[test]
    fn splice_replaces_only_its_engines_section() {
        let before = "# Benchmarks\n\nProse | with a pipe.\n\n";
        let middle = "\n\nMore prose, unchanged.\n\n";
        let after = "\n\nTrailing words without a newline";
        let doc =
            format!("{before}{PG_BEGIN}\nold postgres figures\n{PG_END}{middle}{SQLITE}{after}");
        let out = splice(&doc, "postgres", "new figures\n").unwrap();
        assert_eq!(
            out,
            format!("{before}{PG_BEGIN}\nnew figures\n{PG_END}{middle}{SQLITE}{after}")
        );
        // Splicing again is stable: the section is replaced, not added to.
        assert_eq!(splice(&out, "postgres", "new figures\n").unwrap(), out);

        let out = splice(&doc, "sqlite", "fresh\n").unwrap();
        let sqlite = SQLITE.replace("old sqlite figures\n", "fresh\n");
        assert_eq!(
            out,
            format!("{before}{PG_BEGIN}\nold postgres figures\n{PG_END}{middle}{sqlite}{after}")
        );
    }

    #[test]
    fn a_named_section_lives_beside_its_engines_own() {
        let name = section_name(Engine::Postgres, Some("postgres-sampled")).unwrap();
        let doc = format!("{PG_BEGIN}\nold postgres figures\n{PG_END}\n");
        let out = splice(&doc, &name, "sampled figures\n").unwrap();
        assert!(
            out.starts_with(&doc),
            "the engine's section is untouched: {out}"
        );
        let out = splice(&out, &name, "newer sampled figures\n").unwrap();
        assert_eq!(out.matches("BEGIN postgres-sampled").count(), 1, "{out}");
        assert!(out.contains("newer sampled figures") && !out.contains("\nsampled figures"));
        assert_eq!(
            splice(&out, "postgres", "old postgres figures\n").unwrap(),
            out
        );
    }

    #[test]
    fn section_names_default_to_the_engine_and_refuse_what_would_break_a_marker() {
        assert_eq!(section_name(Engine::Sqlite, None).unwrap(), "sqlite");
        assert_eq!(
            section_name(Engine::Postgres, Some("pg-15-sampled")).unwrap(),
            "pg-15-sampled"
        );
        for bad in ["", "Postgres", "a -->", "a--b", "-a", "a b", "ünï"] {
            assert!(
                section_name(Engine::Postgres, Some(bad)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn splice_appends_a_missing_section_with_its_markers() {
        let doc = format!("# Benchmarks\n\n{SQLITE}");
        let out = splice(&doc, "postgres", "figures\n").unwrap();
        assert_eq!(out, format!("{doc}\n\n{PG_BEGIN}\nfigures\n{PG_END}\n"));
        assert_eq!(
            splice("", "postgres", "figures\n").unwrap(),
            format!("{PG_BEGIN}\nfigures\n{PG_END}\n")
        );
    }

    #[test]
    fn splice_refuses_markers_that_do_not_pair_up() {
        for doc in [
            format!("text\n{PG_BEGIN}\nfigures that never end\n{SQLITE}\n"),
            format!("text\n{PG_END}\n"),
            format!("{PG_END}\n{PG_BEGIN}\n"),
            format!("{PG_BEGIN}\n{PG_END}\n{PG_BEGIN}\n{PG_END}\n"),
        ] {
            let err = splice(&doc, "postgres", "x\n").unwrap_err();
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }

    #[test]
    fn write_refuses_begin_without_end_and_leaves_the_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("BENCHMARKS.md");
        let doc = format!("prose\n{PG_BEGIN}\nhalf a section\n");
        fs::write(&path, &doc).unwrap();
        assert!(check(&path, "postgres").is_err());
        let err = write(&path, "postgres", "figures\n").unwrap_err();
        assert!(format!("{err:#}").contains("left unchanged"), "{err:#}");
        assert_eq!(fs::read_to_string(&path).unwrap(), doc);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );

        fs::write(&path, "prose\n").unwrap();
        check(&path, "postgres").unwrap();
        write(&path, "postgres", "figures\n").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("prose\n\n{PG_BEGIN}\nfigures\n{PG_END}\n")
        );
        assert!(check(&dir.path().join("missing.md"), "postgres").is_err());
    }

    #[test]
    fn passwords_are_masked_in_the_command_line() {
        let args = [
            "target/release/renum",
            "--database-url",
            "postgres://renum:s3cret@127.0.0.1/renum_bench",
            "bench",
            "--password",
            "orbit maple",
            "--email",
            "dana@orbit.example",
            "--password=hunter2",
            "--doc",
            "docs/BENCHMARKS.md",
        ];
        let line = command_line(args.map(String::from));
        assert_eq!(
            line,
            "target/release/renum --database-url 'postgres://renum:***@127.0.0.1/renum_bench' \
             bench --password '***' --email dana@orbit.example '--password=***' \
             --doc docs/BENCHMARKS.md"
        );
        assert!(!line.contains("s3cret") && !line.contains("maple") && !line.contains("hunter2"));
    }

    fn machine() -> Machine {
        Machine {
            cpu: Some("Intel(R) Xeon(R) CPU @ 2.20GHz".into()),
            cores: 2,
            memory_bytes: Some(24 << 30),
            kernel: Some("6.18.0-1-amd64".into()),
            load_start: Some(0.5),
            load_end: None,
        }
    }

    fn run(machine: &Machine) -> Run<'_> {
        Run {
            engine: Engine::Postgres,
            section: "postgres",
            at: "2026-11-29T07:00:00.123456Z".parse().unwrap(),
            machine,
            server_version: "15.18",
            command: "renum bench --doc docs/BENCHMARKS.md",
            database_url: "postgres://renum:***@127.0.0.1/renum_bench",
        }
    }

    #[test]
    fn render_states_the_run_and_one_row_per_scenario() {
        let feed = Report {
            scenario: Scenario::Feed,
            engine: "postgres",
            rate: 1139.4,
            unit: "requests/s",
            http: Some(Measured {
                requests: 11_389,
                errors: 0,
                rps: 1139.4,
                p50_ms: 2.824,
                p95_ms: 8.03,
                p99_ms: 13.281,
                server_cpu_ms: None,
                generator_cpu_ms: None,
                machine_cpu_ms: None,
            }),
            baseline: Some(Baseline {
                what: "pgbench -M prepared, posts.LIST_WITH_VIDEO".into(),
                rate: 10_184.0,
                with_session: None,
                machine_cpu_ms: None,
            }),
            ratio: Some(0.1119),
            details: None,
            note: "the app adds the session check".into(),
        };
        let purge = Report {
            scenario: Scenario::Purge,
            engine: "postgres",
            rate: 95.26,
            unit: "rows/s",
            http: None,
            baseline: None,
            ratio: None,
            details: None,
            note: "no partitions | on SQLite".into(),
        };
        let m = machine();
        let out = render(&run(&m), &[feed, purge]);
        for line in [
            "### Latest run: PostgreSQL\n",
            "- **When:** 2026-11-29T07:00:00Z\n",
            "- **Machine:** Intel(R) Xeon(R) CPU @ 2.20GHz, 2 cores, 24.0 GiB memory, kernel 6.18.0-1-amd64\n",
            "- **Load average (1 min):** 0.50 at the start, unknown at the end\n",
            "- **Database:** PostgreSQL 15.18\n",
            "- **Database URL:** `postgres://renum:***@127.0.0.1/renum_bench`\n",
            &format!("- **renum:** {}\n", env!("CARGO_PKG_VERSION")),
            "```sh\nrenum bench --doc docs/BENCHMARKS.md\n```\n",
            "| feed | 1,139 requests/s | 2.82 | 8.03 | 13.28 | pgbench -M prepared, posts.LIST_WITH_VIDEO \
             | 10,184 requests/s | 0.11 | 11,389 requests, 0 errors; the app adds the session check |\n",
            "| purge | 95.3 rows/s | – | – | – | – | – | – | no partitions \\| on SQLite |\n",
        ] {
            assert!(out.contains(line), "{line:?} missing from:\n{out}");
        }
        assert!(out.ends_with("on SQLite |\n\n"), "{out}");
        let rows = out.lines().filter(|l| l.starts_with("| ")).count();
        assert_eq!(rows, 3, "a header and one row per scenario:\n{out}");
    }

    #[test]
    fn rates_read_like_the_hand_written_tables() {
        assert_eq!(rate(61_547.4), "61,547");
        assert_eq!(rate(1_000_000.0), "1,000,000");
        assert_eq!(rate(100.0), "100");
        assert_eq!(rate(25.46), "25.5");
    }
}
