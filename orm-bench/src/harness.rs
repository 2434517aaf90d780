//! Running variants side by side and reporting them: repetitions interleave
//! the variants (the order rotates each repetition, so drift and ordering
//! effects hit every variant alike), medians are compared.

use orm_core::DeleteReport;

use crate::fixture::BenchResult;

/// One timed run of one variant.
pub struct Measured {
    /// Seconds spent in the timed region.
    pub secs: f64,
    /// The ORM's report, for delete variants run through the ORM.
    pub report: Option<DeleteReport>,
}

impl Measured {
    pub fn time(secs: f64) -> Measured {
        Measured { secs, report: None }
    }
}

/// The samples of every variant of one comparison.
pub struct Samples {
    /// Per variant, one time per repetition (in repetition order).
    pub times: Vec<Vec<f64>>,
    /// Per variant, the report of its first repetition (if any).
    pub reports: Vec<Option<DeleteReport>>,
}

/// Repetitions run first and thrown away (caches, allocator, file system).
pub const WARM_UP_REPS: usize = 1;

/// Runs `variants` variants `reps` times each, interleaved: repetition `r`
/// runs variant `(r + k) % variants` as its `k`-th measurement. The first
/// [`WARM_UP_REPS`] repetitions are not recorded.
pub async fn interleave(
    variants: usize,
    reps: usize,
    mut run: impl AsyncFnMut(usize) -> BenchResult<Measured>,
) -> BenchResult<Samples> {
    let mut samples = Samples {
        times: vec![Vec::with_capacity(reps); variants],
        reports: (0..variants).map(|_| None).collect(),
    };
    for rep in 0..WARM_UP_REPS {
        for k in 0..variants {
            run((rep + k) % variants).await?;
        }
    }
    for rep in 0..reps {
        for k in 0..variants {
            let v = (rep + k) % variants;
            let measured = run(v).await?;
            samples.times[v].push(measured.secs);
            if samples.reports[v].is_none() {
                samples.reports[v] = measured.report;
            }
        }
    }
    Ok(samples)
}

/// The median (mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if !n.is_multiple_of(2) => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// Seconds, printed with a unit that suits them.
pub fn fmt_secs(secs: f64) -> String {
    if secs < 1e-3 {
        format!("{:.1} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{secs:.3} s")
    }
}

/// Prints one line per variant: median, fastest, slowest.
/// With `all`, every sample follows, in repetition order.
pub fn print_variants(case: &str, labels: &[&str], samples: &Samples, all: bool) {
    let width = width_of(labels.iter().copied(), 26);
    for (label, times) in labels.iter().zip(&samples.times) {
        println!(
            "  {case:<24} {label:<width$} median {:>10}   min {:>10}   max {:>10}   (n={})",
            fmt_secs(median(times)),
            fmt_secs(min(times)),
            fmt_secs(max(times)),
            times.len()
        );
        if all {
            let shown: Vec<String> = times.iter().map(|t| fmt_secs(*t)).collect();
            println!("      samples: {}", shown.join(", "));
        }
    }
}

/// The widest of `texts` (in characters), at least `min`.
fn width_of<'a>(texts: impl Iterator<Item = &'a str>, min: usize) -> usize {
    texts.map(|t| t.chars().count()).fold(min, usize::max)
}

/// Prints the statements one ORM delete ran (from its report), shortened.
pub fn print_statements(label: &str, report: &DeleteReport) {
    println!("  statements of `{label}` (DeleteReport.statements; BEGIN/COMMIT not listed):");
    for statement in &report.statements {
        let sql = &statement.sql;
        let shown = match sql.char_indices().nth(110) {
            Some((cut, _)) => format!("{}…", &sql[..cut]),
            None => sql.clone(),
        };
        println!("    {shown}   [{} bound]", statement.params.len());
    }
    for action in &report.left_to_database {
        println!(
            "    (left to the database: {}.{} ON DELETE {})",
            action.table,
            action.column,
            action.action.as_sql()
        );
    }
}

/// One ORM-versus-baseline ratio, with its target.
pub struct Ratio {
    /// The machine-readable name (`RATIO <name> ...`).
    pub name: String,
    pub orm_label: &'static str,
    pub baseline_label: &'static str,
    pub orm: f64,
    pub baseline: f64,
    /// The median of the per-repetition ratios (paired; robust to drift).
    pub paired: f64,
    pub target: f64,
}

impl Ratio {
    /// Compares variant `orm` with variant `baseline` of `samples`.
    pub fn new(
        name: String,
        labels: &[&'static str],
        samples: &Samples,
        orm: usize,
        baseline: usize,
        target: f64,
    ) -> Ratio {
        let paired: Vec<f64> = samples.times[orm]
            .iter()
            .zip(&samples.times[baseline])
            .map(|(o, b)| o / b)
            .collect();
        Ratio {
            name,
            orm_label: labels[orm],
            baseline_label: labels[baseline],
            orm: median(&samples.times[orm]),
            baseline: median(&samples.times[baseline]),
            paired: median(&paired),
            target,
        }
    }

    pub fn ratio(&self) -> f64 {
        self.orm / self.baseline
    }

    pub fn met(&self) -> bool {
        self.ratio() <= self.target
    }

    /// Whether the ratio of medians and the median of paired ratios
    /// disagree by more than 10%: the machine was busy in bursts; rerun.
    pub fn noisy(&self) -> bool {
        (self.ratio() / self.paired - 1.0).abs() > 0.10
    }

    pub fn verdict(&self) -> &'static str {
        match (self.met(), self.noisy()) {
            (true, false) => "met",
            (true, true) => "met (noisy run)",
            (false, false) => "MISSED",
            (false, true) => "MISSED (noisy run: see paired)",
        }
    }
}

/// The summary table, then one `RATIO` line per comparison.
pub fn print_summary(ratios: &[Ratio]) {
    if ratios.is_empty() {
        return;
    }
    println!();
    println!(
        "== summary (ratio = ORM median / baseline median; paired = median of per-repetition \
         ratios; \"noisy run\" when the two differ by more than 10%)"
    );
    let name_w = width_of(ratios.iter().map(|r| r.name.as_str()), 30);
    let orm_w = width_of(ratios.iter().map(|r| r.orm_label), 20);
    let base_w = width_of(ratios.iter().map(|r| r.baseline_label), 22);
    println!(
        "{:<name_w$} {:<orm_w$} {:>11} {:<base_w$} {:>11} {:>7} {:>7} {:>7}  result",
        "comparison", "ORM", "median", "baseline", "median", "ratio", "paired", "target"
    );
    for r in ratios {
        println!(
            "{:<name_w$} {:<orm_w$} {:>11} {:<base_w$} {:>11} {:>7.3} {:>7.3} {:>7}  {}",
            r.name,
            r.orm_label,
            fmt_secs(r.orm),
            r.baseline_label,
            fmt_secs(r.baseline),
            r.ratio(),
            r.paired,
            format!("≤ {:.1}", r.target),
            r.verdict()
        );
    }
    println!();
    for r in ratios {
        println!(
            "RATIO {} {:.6} {:.6} {:.3}",
            r.name,
            r.orm,
            r.baseline,
            r.ratio()
        );
    }
}
