//! The baseline: the same catalogue statement run by pgbench (`-M prepared`), with the
//! statement's `$n` parameters passed as pgbench variables. pgbench cannot bind a NULL
//! parameter (`\set x NULL` binds an empty string), so a `None` parameter is written into
//! the script as the literal `NULL`: the plan PostgreSQL would choose with that value bound.

use std::time::Duration;

use anyhow::{Context, bail};

/// A catalogue statement and its parameters, as pgbench variables (`None`: the literal NULL).
pub struct Statement<'a> {
    pub sql: &'a str,
    pub params: &'a [(&'a str, Option<&'a str>)],
    /// End the statement with `\gset`: pgbench aborts the client unless it returns exactly
    /// one row, so a baseline cannot measure a lookup that finds nothing (a session check
    /// whose parameters match no session).
    pub one_row: bool,
}

/// Throughput in transactions per second, or `None` when the database is not PostgreSQL.
pub async fn baseline(
    database_url: &str,
    sql: &str,
    params: &[(&str, Option<&str>)],
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Option<f64>> {
    let statement = Statement {
        sql,
        params,
        one_row: false,
    };
    baseline_of(database_url, &[statement], clients, duration).await
}

/// [`baseline`] of a transaction of several statements run in turn, each one a round trip
/// (pgbench's default autocommit): the statements one API request runs.
pub async fn baseline_of(
    database_url: &str,
    statements: &[Statement<'_>],
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Option<f64>> {
    if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
        return Ok(None);
    }
    let file = tempfile_with(&script_of(statements))?;
    let mut cmd = tokio::process::Command::new("pgbench");
    cmd.args([
        "-n",
        "-M",
        "prepared",
        "-c",
        &clients.to_string(),
        "-j",
        &clients.to_string(),
    ])
    .args(["-T", &duration.as_secs().max(1).to_string(), "-f"])
    .arg(file.path());
    for (name, value) in statements.iter().flat_map(|s| s.params.iter()) {
        if let Some(value) = value {
            cmd.arg("-D").arg(format!("{name}={value}"));
        }
    }
    let out = cmd
        .arg(database_url)
        .output()
        .await
        .context("cannot run pgbench (install postgresql-client)")?;
    if !out.status.success() {
        bail!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tps = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .context("pgbench printed no tps")?;
    Ok(Some(tps))
}

/// The pgbench script of a transaction: each statement on its own, ended by `;` or by
/// `\gset` (see [`Statement::one_row`]).
fn script_of(statements: &[Statement<'_>]) -> String {
    statements
        .iter()
        .map(|s| {
            let sql = script(s.sql, s.params);
            if s.one_row {
                format!("{sql} \\gset\n")
            } else {
                format!("{sql};\n")
            }
        })
        .collect()
}

/// The pgbench command text of a catalogue statement: `$n` becomes the n-th variable
/// `:name`, or `NULL` when the n-th parameter is `None`.
fn script(sql: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut script = sql.to_owned();
    // Highest first, so $1 does not eat the prefix of $10.
    for (i, (name, value)) in params.iter().enumerate().rev() {
        let with = match value {
            Some(_) => format!(":{name}"),
            None => "NULL".to_owned(),
        };
        script = script.replace(&format!("${}", i + 1), &with);
    }
    script
}

fn tempfile_with(contents: &str) -> anyhow::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(contents.as_bytes())?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::{Statement, script, script_of};

    #[test]
    fn parameters_become_pgbench_variables_without_prefix_clashes() {
        let names: Vec<String> = (1..=10).map(|i| format!("p{i}")).collect();
        let params: Vec<(&str, Option<&str>)> = names
            .iter()
            .map(|n| (n.as_str(), (n != "p2").then_some("v")))
            .collect();
        assert_eq!(
            script("SELECT $1, $10, $2", &params),
            "SELECT :p1, :p10, NULL"
        );
    }

    #[test]
    fn a_one_row_statement_ends_with_gset_the_others_with_a_semicolon() {
        let check = [("a1", Some("x"))];
        let feed = [("p1", Some("o")), ("p2", None)];
        let statements = [
            Statement {
                sql: "SELECT id FROM sessions WHERE token_hash = $1",
                params: &check,
                one_row: true,
            },
            Statement {
                sql: "SELECT $1, $2",
                params: &feed,
                one_row: false,
            },
        ];
        assert_eq!(
            script_of(&statements),
            "SELECT id FROM sessions WHERE token_hash = :a1 \\gset\nSELECT :p1, NULL;\n"
        );
    }
}
