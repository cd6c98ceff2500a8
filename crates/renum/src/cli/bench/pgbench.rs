//! The baseline: the same catalogue statement run by pgbench (`-M prepared`), with the
//! statement's `$n` parameters passed as pgbench variables. pgbench cannot bind a NULL
//! parameter (`\set x NULL` binds an empty string), so a `None` parameter is written into
//! the script as the literal `NULL`: the plan PostgreSQL would choose with that value bound.

use std::time::Duration;

use anyhow::{Context, bail};

/// A catalogue statement and its parameters, as pgbench variables (`None`: the literal NULL).
pub type Statement<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)]);

/// Throughput in transactions per second, or `None` when the database is not PostgreSQL.
pub async fn baseline(
    database_url: &str,
    sql: &str,
    params: &[(&str, Option<&str>)],
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Option<f64>> {
    baseline_of(database_url, &[(sql, params)], clients, duration).await
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
    let file = tempfile_with(
        &statements
            .iter()
            .map(|(sql, params)| script(sql, params))
            .collect::<String>(),
    )?;
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
    for (name, value) in statements.iter().flat_map(|(_, params)| params.iter()) {
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

/// The pgbench script of a catalogue statement: `$n` becomes the n-th variable `:name`, or
/// `NULL` when the n-th parameter is `None`.
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
    format!("{script};\n")
}

fn tempfile_with(contents: &str) -> anyhow::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(contents.as_bytes())?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::script;

    #[test]
    fn parameters_become_pgbench_variables_without_prefix_clashes() {
        let names: Vec<String> = (1..=10).map(|i| format!("p{i}")).collect();
        let params: Vec<(&str, Option<&str>)> = names
            .iter()
            .map(|n| (n.as_str(), (n != "p2").then_some("v")))
            .collect();
        assert_eq!(
            script("SELECT $1, $10, $2", &params),
            "SELECT :p1, :p10, NULL;\n"
        );
    }
}
