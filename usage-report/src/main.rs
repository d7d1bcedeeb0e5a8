//! `usage-report` (`cargo install --path usage-report`): what you spent with every provider the
//! library has a client for, side by side, exactly.
//!
//! Each provider's keys and settings come from the environment variables its registry entry
//! names (`usage_bindings::registry`); `--help` lists them. A provider without a key is skipped,
//! with one line on stderr. With no key at all, the report runs on demo data served by an
//! embedded server on 127.0.0.1 through the real clients.
//!
//! `--format focus` writes the usage records themselves as a FOCUS 1.2 (or `--focus-version
//! 1.0`) CSV or Parquet file, which needs each record's billing account: the providers whose
//! records name none read it from a variable.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use clap::{CommandFactory, FromArgMatches, Parser};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use usage_bindings::cost::{self, CostSource};
use usage_bindings::registry::{self, FromEnv};
use usage_bindings::Provider;

use usage_report::focus_out::{self, FileFormat, FocusVersion};
use usage_report::report::{Format, GroupBy, Report};
use usage_report::{chart, demo, report};

/// What you spent with each provider, side by side, exactly.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// First day (UTC, inclusive), YYYY-MM-DD [default: 7 days before today]
    #[arg(long)]
    since: Option<NaiveDate>,
    /// Last day (UTC, inclusive), YYYY-MM-DD [default: yesterday]
    #[arg(long)]
    until: Option<NaiveDate>,
    /// Only these providers (repeatable) [default: every provider with a key]
    #[arg(long = "provider", value_parser = clap::value_parser!(Provider))]
    providers: Vec<Provider>,
    /// Rows: one per day, provider or scope
    #[arg(long, value_enum, default_value_t = GroupBy::Provider)]
    group_by: GroupBy,
    /// Output format (focus: every usage record as a FOCUS file, only when every provider gave
    /// everything)
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// The FOCUS version of --format focus
    #[arg(long, value_enum, default_value_t = FocusVersion::V1_2, value_name = "VERSION")]
    focus_version: FocusVersion,
    /// --format focus as Parquet (also when --output ends in .parquet; needs the tool's
    /// `parquet` feature)
    #[arg(long)]
    parquet: bool,
    /// Write to FILE instead of stdout (created once everything was fetched)
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Draw spend per day as a bar chart under the table (one bar per UTC day, split by
    /// provider) [default: when stdout is a terminal]. Table format only: refused with
    /// --format csv, json or focus
    #[arg(long, overrides_with = "no_chart")]
    chart: bool,
    /// No chart, even on a terminal
    #[arg(long, overrides_with = "chart")]
    no_chart: bool,
    /// Read the built-in demo data (served on 127.0.0.1), even when keys are set
    #[arg(long)]
    demo: bool,
}

impl Args {
    /// `--chart` / `--no-chart`, whichever came last; `None` for neither.
    fn chart_flag(&self) -> Option<bool> {
        match (self.chart, self.no_chart) {
            (true, _) => Some(true),
            (false, true) => Some(false),
            (false, false) => None,
        }
    }

    /// The arguments, with the providers' variables listed under `--help`.
    fn parse_with_env_help() -> Args {
        let mut help = String::from("Environment (none set: demo data):");
        for descriptor in registry::descriptors() {
            help.push_str(&format!(
                "\n  {} ({}):",
                descriptor.provider,
                descriptor.provider.as_str()
            ));
            for variable in descriptor.env_vars {
                help.push_str(&format!("\n    {:<24} {}", variable.name, variable.help));
            }
        }
        let matches = Args::command().after_help(help).get_matches();
        Args::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
    }
}

/// An environment variable, when set and not blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The sources whose keys are in the environment; one stderr line per provider skipped.
fn sources_from_env(
    wanted: &[Provider],
) -> Result<Vec<Box<dyn CostSource>>, usage_bindings::Error> {
    let mut sources: Vec<Box<dyn CostSource>> = Vec::new();
    for descriptor in registry::descriptors().filter(|d| wanted.contains(&d.provider)) {
        match (descriptor.sources_from_env)(&var)? {
            FromEnv::Sources(found) => sources.extend(found),
            FromEnv::Missing { variable, help } => eprintln!(
                "usage-report: skipping {}: {variable} is not set ({help})",
                descriptor.provider
            ),
            _ => {}
        }
    }
    Ok(sources)
}

/// One spinner per provider on stderr, only when stderr is a terminal.
struct Progress {
    bars: Vec<(Provider, ProgressBar)>,
}

impl Progress {
    fn new(providers: &[Provider]) -> Progress {
        let multi = MultiProgress::with_draw_target(if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let style = ProgressStyle::with_template("{spinner} {prefix:>12} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bars = providers
            .iter()
            .map(|&provider| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_prefix(provider.to_string());
                bar.set_message("fetching…");
                bar.enable_steady_tick(Duration::from_millis(100));
                (provider, bar)
            })
            .collect();
        Progress { bars }
    }

    fn update(&self, provider: Provider, records: usize) {
        if let Some((_, bar)) = self.bars.iter().find(|(p, _)| *p == provider) {
            bar.set_message(format!("{records} records"));
        }
    }

    fn finish(&self) {
        for (_, bar) in &self.bars {
            bar.finish_and_clear();
        }
    }
}

/// Writes `bytes` to `output`, or to stdout without one. The file is written whole through a
/// temporary file beside it, so a failed write leaves no truncated file under its name.
fn emit(output: Option<&Path>, bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Write;
    let Some(path) = output else {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        return Ok(stdout.flush()?);
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = PathBuf::from(temporary);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(format!("cannot write {}: {error}", path.display()).into());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse_with_env_help();
    match run(args).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("usage-report: {error}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let chart = chart::wanted(
        args.chart_flag(),
        args.format,
        // On by default only for a table shown on a terminal, not one written to a file.
        args.output.is_none() && std::io::stdout().is_terminal(),
    )?;
    let window = report::window(args.since, args.until, Utc::now().date_naive())?;
    let wanted: Vec<Provider> = if args.providers.is_empty() {
        Provider::ALL.to_vec()
    } else {
        args.providers.clone()
    };
    let any_key = registry::descriptors().any(|descriptor| var(descriptor.key_env_var).is_some());
    // Kept alive until the report is fetched.
    let mut _demo = None;
    let sources = if any_key && !args.demo {
        sources_from_env(&wanted)?
    } else {
        let server = demo::DemoServer::start(window)
            .await
            .map_err(|error| format!("cannot start the demo server: {error}"))?;
        let keys: Vec<&str> = registry::descriptors().map(|d| d.key_env_var).collect();
        let why = if args.demo {
            "--demo".to_string()
        } else {
            format!("none of {} is set", keys.join(", "))
        };
        eprintln!(
            "usage-report: {why}: showing DEMO data (sample usage served by an embedded server \
             at {}, read through the real clients)",
            server.uri()
        );
        let mut sources = server.sources_with(&var)?;
        sources.retain(|source| wanted.contains(&source.provider()));
        _demo = Some(server);
        sources
    };
    let sources: Vec<&dyn CostSource> = sources.iter().map(|source| source.as_ref()).collect();
    let mut providers: Vec<Provider> = sources.iter().map(|source| source.provider()).collect();
    providers.dedup();
    if providers.is_empty() {
        return Err("no provider to query".into());
    }
    for descriptor in providers
        .iter()
        .filter_map(|provider| provider.descriptor())
    {
        if let Some(notice) = descriptor.notice {
            if let Some(line) = notice(&var)? {
                eprintln!("usage-report: {line}");
            }
        }
    }
    let progress = Progress::new(&providers);
    let results = cost::fetch_all_with_progress(&sources, window, &|provider, records| {
        progress.update(provider, records)
    })
    .await;
    progress.finish();
    // One line per source that reads a balance (credits left): live figures, not records.
    let mut balance_failed = false;
    for source in &sources {
        if let Some(balance) = source.balance() {
            match balance.await {
                Ok(line) => eprintln!("usage-report: {}: {line}", source.provider()),
                Err(error) => {
                    balance_failed = true;
                    eprintln!(
                        "usage-report: {} balance failed: {error}",
                        source.provider()
                    );
                }
            }
        }
    }

    if args.format == Format::Focus {
        let invoices = cost::fetch_invoices(&sources)
            .await
            .map_err(|error| format!("no FOCUS export: reading the invoices failed: {error}"))?;
        let file = FileFormat::of(args.parquet, args.output.as_deref());
        let (bytes, rows) = focus_out::export(&results, &invoices, args.focus_version, file)?;
        emit(args.output.as_deref(), &bytes)?;
        eprintln!("usage-report: {rows} FOCUS rows written");
        return Ok(if balance_failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    let report = Report::build(window, args.group_by, &results);
    let mut rendered = report.render(args.format)?;
    if chart {
        rendered.push('\n');
        rendered.push_str(&chart::render(&report, chart::WIDTH));
    }
    emit(args.output.as_deref(), rendered.as_bytes())?;
    for status in &report.providers {
        if status.outside_window > 0 {
            eprintln!(
                "usage-report: {}: {} records outside the window were not counted",
                status.provider, status.outside_window
            );
        }
        for error in &status.errors {
            eprintln!(
                "usage-report: {} failed ({} records fetched): {error}",
                status.provider, status.records
            );
        }
    }
    for error in &report.errors {
        eprintln!("usage-report: {error}");
    }
    Ok(if report.has_errors() || balance_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
