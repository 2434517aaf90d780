//! What the run measured on: the machine, its operating system and load,
//! the compiler and the commit, printed at the top of every run so that a
//! table of figures can say where it came from.

use std::process::Command;

/// The first line of `path` that starts with `key`, after the key and any
/// `:` / `=` / spaces / quotes.
fn field(path: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let value = line[key.len()..].trim_start_matches([':', '=', ' ', '\t']);
    Some(value.trim().trim_matches('"').to_owned())
}

/// The first line a command prints, if it runs.
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.lines().next().map(str::to_owned)
}

/// The 1-minute load average (`/proc/loadavg`), when the system has one.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next().map(str::to_owned)
}

/// Prints `machine:`, `system:` and `build:` lines.
pub fn print() {
    let cpu = field("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = field("/proc/meminfo", "MemTotal")
        .and_then(|kb| kb.trim_end_matches(" kB").trim().parse::<u64>().ok())
        .map_or_else(
            || "unknown memory".to_owned(),
            |kb| format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0),
        );
    println!("machine: {cpu}, {cpus} CPUs available, {memory} RAM");
    let os = field("/etc/os-release", "PRETTY_NAME").unwrap_or_else(|| std::env::consts::OS.into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!(", kernel {}", k.trim()))
        .unwrap_or_default();
    let load = load_average()
        .map(|l| format!("; load average at start {l}"))
        .unwrap_or_default();
    println!("system: {os}{kernel}{load}");
    let rustc = first_line("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".into());
    let commit = first_line("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "?".into());
    let profile = if cfg!(debug_assertions) {
        "debug (figures are not meaningful: use --release)"
    } else {
        "release"
    };
    let peers = if cfg!(feature = "seaorm") {
        "seaorm feature on"
    } else {
        "seaorm feature off"
    };
    println!("build: {rustc}, {profile}, commit {commit}, {peers}");
}
