//! A small line diff for `--check` failures: what the file says versus what the schema
//! generates, as `-`/`+` lines with their line numbers and a little context.

/// The lines of `old` and `new` that differ, with two lines of context; empty when equal.
pub fn lines(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence table; the files are a few hundred lines.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    enum Op<'a> {
        Same(&'a str),
        Del(usize, &'a str),
        Add(usize, &'a str),
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push(Op::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Op::Del(i + 1, a[i]));
            i += 1;
        } else {
            ops.push(Op::Add(j + 1, b[j]));
            j += 1;
        }
    }
    let changed: Vec<bool> = ops.iter().map(|o| !matches!(o, Op::Same(_))).collect();
    let near_change = |k: usize| {
        let lo = k.saturating_sub(2);
        let hi = (k + 2).min(ops.len() - 1);
        (lo..=hi).any(|n| changed[n])
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, op) in ops.iter().enumerate() {
        if !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped && !out.is_empty() {
            out.push_str("  ...\n");
        }
        skipped = false;
        match op {
            Op::Same(line) => out.push_str(&format!("        {line}\n")),
            Op::Del(n, line) => out.push_str(&format!("-{n:>5}: {line}\n")),
            Op::Add(n, line) => out.push_str(&format!("+{n:>5}: {line}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_texts_have_no_diff_and_a_change_shows_both_sides_with_line_numbers() {
        assert_eq!(super::lines("a\nb\n", "a\nb\n"), "");
        let diff = super::lines("1\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\nfour\n5\n6\n7\n");
        assert_eq!(
            diff,
            "        2\n        3\n-    4: 4\n+    4: four\n        5\n        6\n"
        );
    }
}
