//! What the machine was when a run was measured, read from `/proc` (Linux): a figure means
//! little without the cores it ran on and how busy they were. A fact that cannot be read is
//! `None` and shows as unknown, never fails the run.

use std::fs;
use std::time::Duration;

pub struct Machine {
    pub cpu: Option<String>,
    /// The cores this process may use (`available_parallelism`: affinity and cgroup quota).
    pub cores: usize,
    pub memory_bytes: Option<u64>,
    pub kernel: Option<String>,
    /// The 1-minute load average before the first scenario and after the last.
    pub load_start: Option<f64>,
    pub load_end: Option<f64>,
}

impl Machine {
    /// The facts at the start of a run; `load_end` is filled by [`Machine::finish`].
    pub fn read() -> Machine {
        let proc = |file: &str| fs::read_to_string(format!("/proc/{file}")).ok();
        Machine {
            cpu: proc("cpuinfo").as_deref().and_then(cpu_model),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: proc("meminfo").as_deref().and_then(memory_total),
            kernel: proc("sys/kernel/osrelease").map(|s| s.trim().to_owned()),
            load_start: load_average(),
            load_end: None,
        }
    }

    pub fn finish(&mut self) {
        self.load_end = load_average();
    }
}

/// The CPU time (user and system, every thread) process `pid` (or `self`) has used so far.
pub fn cpu_time(pid: &str) -> Option<Duration> {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .as_deref()
        .and_then(stat_cpu_time)
}

/// utime + stime of a `/proc/<pid>/stat` line: fields 14 and 15, counted after the command
/// name (which may hold spaces and parentheses), in clock ticks of 1/100 s (`USER_HZ`, which
/// Linux fixes at 100 for user space).
fn stat_cpu_time(stat: &str) -> Option<Duration> {
    let mut fields = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .skip(11);
    let ticks: u64 = fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The CPU time every core of the machine has spent busy so far (the first line of
/// `/proc/stat`: user, nice, system, irq, softirq and steal; idle and iowait left out).
pub fn busy_time() -> Option<Duration> {
    fs::read_to_string("/proc/stat")
        .ok()
        .as_deref()
        .and_then(stat_busy_time)
}

/// The whole machine's busy CPU milliseconds per operation while `side` ran, with `ops`
/// telling how many operations its result stands for: what one request (or one pgbench
/// transaction) costs every process together, PostgreSQL included. `None` when `/proc/stat`
/// cannot be read or the side did nothing.
pub async fn busy_per_op<T>(
    side: impl Future<Output = anyhow::Result<T>>,
    ops: impl FnOnce(&T) -> f64,
) -> anyhow::Result<(T, Option<f64>)> {
    let before = busy_time();
    let out = side.await?;
    let ops = ops(&out);
    let per_op = before
        .zip(busy_time())
        .filter(|_| ops > 0.0)
        .map(|(before, after)| after.saturating_sub(before).as_secs_f64() * 1000.0 / ops);
    Ok((out, per_op))
}

fn stat_busy_time(stat: &str) -> Option<Duration> {
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(|t| t.parse().ok())
        .collect::<Option<_>>()?;
    let busy = [0, 1, 2, 5, 6, 7]
        .iter()
        .map(|&i| ticks.get(i).copied().unwrap_or(0))
        .sum::<u64>();
    Some(Duration::from_millis(busy * 10))
}

fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .as_deref()
        .and_then(load_1min)
}

/// The first `model name` of `/proc/cpuinfo` (x86; other architectures have none).
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_owned())
    })
}

/// `MemTotal` of `/proc/meminfo`, which the kernel counts in KiB.
fn memory_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn load_1min(loadavg: &str) -> Option<f64> {
    loadavg.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_are_read_as_the_kernel_writes_them() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\n\
                       model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nflags\t\t: fpu\n\n\
                       processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
        assert_eq!(
            cpu_model(cpuinfo).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\n"), None);
        let stat = "4242 (renum (serve)) S 1 4242 4242 0 -1 4194560 1862 0 0 0 1234 56 0 0 20 0 \
                    9 0 4711 123456789 2000 18446744073709551615";
        assert_eq!(stat_cpu_time(stat), Some(Duration::from_millis(12_900)));
        // user nice system idle iowait irq softirq steal guest guest_nice
        let proc_stat = "cpu  100 2 30 9000 50 4 5 6 0 0\ncpu0 50 1 15 4500 25 2 2 3 0 0\n";
        assert_eq!(
            stat_busy_time(proc_stat),
            Some(Duration::from_millis(1_470))
        );
        assert_eq!(stat_busy_time("intr 1 2 3\n"), None);
        let meminfo = "MemTotal:       24522364 kB\nMemFree:         1000 kB\n";
        assert_eq!(memory_total(meminfo), Some(24_522_364 * 1024));
        assert_eq!(load_1min("4.12 6.80 5.01 3/512 12345\n"), Some(4.12));
        assert_eq!(load_1min(""), None);
    }
}
