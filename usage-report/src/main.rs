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
//!
//! `sync` keeps the providers' records in a store (SQLite by default, or PostgreSQL);
//! `--store URL` reports from it without keys, and `budget` checks a month against a limit.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use usage_bindings::cost::{self, CostSource};
use usage_bindings::registry::{self, FromEnv};
use usage_bindings::Provider;

use rust_decimal::Decimal;
use usage_report::focus_out::{self, FileFormat, FocusVersion};
use usage_report::report::{Format, GroupBy, Report};
use usage_report::requests::RequestCount;
use usage_report::store::{Store, StoreUrl};
use usage_report::{budget, chart, demo, report, sync};

/// What you spent with each provider, side by side, exactly.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Report from the records a sync kept in this store (sqlite:PATH or postgres://...),
    /// without keys and without a request to any provider
    #[arg(long, value_name = "URL")]
    store: Option<String>,
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
    /// Read the demo data from a server at URL that already serves it (for tests of the tool)
    #[arg(long, value_name = "URL", hide = true)]
    demo_server: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Keep every provider's records in a store: the first sync reads from --since, each later
    /// one from the last synced point less the re-read hours, and replaces what providers revised
    Sync(SyncArgs),
    /// A month's spend to date from the store, per provider and in total, with a linear
    /// forecast; exit status 3 when the total is over the limit
    Budget(BudgetArgs),
}

#[derive(Debug, clap::Args)]
struct SyncArgs {
    /// The store: sqlite:PATH or postgres://[user[:password]@]host[:port]/db [default:
    /// $USAGE_REPORT_STORE, else usage-report/usage.sqlite3 in the data folder]
    #[arg(long, value_name = "URL")]
    store: Option<String>,
    /// Where a provider's first sync starts (UTC), YYYY-MM-DD [default: the first day of last
    /// month]
    #[arg(long)]
    since: Option<NaiveDate>,
    /// Only these providers (repeatable) [default: every provider with a key]
    #[arg(long = "provider", value_parser = clap::value_parser!(Provider))]
    providers: Vec<Provider>,
    /// Hours before the last synced point that each later sync reads again [default: each
    /// provider's own, see the README]
    #[arg(long, value_name = "HOURS")]
    reread: Option<u32>,
    /// Sync the built-in demo data (served on 127.0.0.1), even when keys are set
    #[arg(long)]
    demo: bool,
    /// Read the demo data from a server at URL that already serves it (for tests of the tool)
    #[arg(long, value_name = "URL", hide = true)]
    demo_server: Option<String>,
}

#[derive(Debug, clap::Args)]
struct BudgetArgs {
    /// The limit of the month's total, exact (`500` or `499.99`)
    #[arg(long, value_name = "AMOUNT")]
    limit: Decimal,
    /// The currency of the limit; other currencies are listed apart, never summed into it
    #[arg(long, default_value = "USD")]
    currency: String,
    /// The month, YYYY-MM [default: this month, UTC]
    #[arg(long, value_name = "YYYY-MM")]
    month: Option<String>,
    /// The store [default: as for sync]
    #[arg(long, value_name = "URL")]
    store: Option<String>,
    /// Only these providers (repeatable) [default: every provider in the store]
    #[arg(long = "provider", value_parser = clap::value_parser!(Provider))]
    providers: Vec<Provider>,
    /// Output format
    #[arg(long, value_enum, default_value_t = BudgetFormat::Table)]
    format: BudgetFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum BudgetFormat {
    Table,
    Json,
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
        let mut help = String::from(
            "Store:\n    USAGE_REPORT_STORE       the store of sync and budget when --store is not given\n\
             Environment (none set: demo data):",
        );
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

/// The store named by `--store`, else `USAGE_REPORT_STORE`, else the SQLite file in the data
/// folder (its path printed once on stderr).
fn store_url(flag: Option<&str>) -> Result<StoreUrl, Box<dyn std::error::Error>> {
    if let Some(url) = flag
        .map(str::to_string)
        .or_else(|| var("USAGE_REPORT_STORE"))
    {
        return Ok(url.parse()?);
    }
    let url = StoreUrl::default_sqlite(&var)
        .ok_or("no store: give --store URL (neither XDG_DATA_HOME nor HOME is set)")?;
    eprintln!("usage-report: store: {url}");
    Ok(url)
}

/// The demo server and its sources (of `wanted`), with the line that says so; the sources of
/// the server at `external` instead, when given.
async fn demo_sources(
    window: cost::Window,
    wanted: &[Provider],
    why: &str,
    external: Option<&str>,
) -> Result<(Option<demo::DemoServer>, cost::Sources), Box<dyn std::error::Error>> {
    if let Some(uri) = external {
        let mut sources = demo::sources_at(uri, &var)?;
        sources.retain(|source| wanted.contains(&source.provider()));
        return Ok((None, sources));
    }
    let server = demo::DemoServer::start(window)
        .await
        .map_err(|error| format!("cannot start the demo server: {error}"))?;
    eprintln!(
        "usage-report: {why}: showing DEMO data (sample usage served by an embedded server \
         at {}, read through the real clients)",
        server.uri()
    );
    let mut sources = server.sources_with(&var)?;
    sources.retain(|source| wanted.contains(&source.provider()));
    Ok((Some(server), sources))
}

fn wanted(providers: &[Provider]) -> Vec<Provider> {
    if providers.is_empty() {
        Provider::ALL.to_vec()
    } else {
        providers.to_vec()
    }
}

async fn run_sync(args: SyncArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let now = Utc::now();
    let requests = RequestCount::default();
    tracing::subscriber::set_global_default(requests.subscriber())
        .map_err(|error| format!("cannot count requests: {error}"))?;
    let url = store_url(args.store.as_deref())?;
    let mut store = Store::open(&url).await?;
    let wanted = wanted(&args.providers);
    let mut _demo = None;
    let sources = if args.demo || args.demo_server.is_some() {
        // A request that names no window (OpenRouter's activity) is answered for the days a
        // first sync reads.
        let first = args
            .since
            .or_else(|| sync::default_since(now))
            .ok_or("today is out of range")?;
        let window = cost::Window::days(first, now.date_naive()).ok_or("--since is after today")?;
        let (server, sources) =
            demo_sources(window, &wanted, "--demo", args.demo_server.as_deref()).await?;
        _demo = server;
        sources
    } else {
        sources_from_env(&wanted)?
    };
    if sources.is_empty() {
        return Err("no provider to sync: set a provider's key (see --help), or --demo".into());
    }
    let sources: Vec<&dyn CostSource> = sources.iter().map(|source| source.as_ref()).collect();
    let providers: Vec<Provider> = sources.iter().map(|source| source.provider()).collect();
    let options = sync::Options {
        since: args.since,
        reread_hours: args.reread,
        now,
    };
    let progress = Progress::new(&providers);
    let outcomes = sync::sync(
        &mut store,
        &sources,
        &options,
        &requests,
        &|provider, records| progress.update(provider, records),
    )
    .await;
    progress.finish();
    let mut failed = false;
    for outcome in &outcomes {
        if let Some(note) = &outcome.note {
            eprintln!("usage-report: {}: {note}", outcome.provider);
        }
        println!("{}", outcome.line());
        if let Some(error) = &outcome.error {
            failed = true;
            eprintln!(
                "usage-report: {} failed, nothing written: {error}",
                outcome.provider
            );
        }
    }
    println!("store: {url}");
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn run_budget(args: BudgetArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let month = match &args.month {
        Some(month) => budget::parse_month(month)?,
        None => budget::this_month(Utc::now()).ok_or("today is out of range")?,
    };
    let currency = args.currency.trim().to_uppercase();
    let url = store_url(args.store.as_deref())?;
    let store = Store::open(&url).await?;
    let check = budget::check(&store, month, args.limit, &currency, &args.providers).await?;
    let text = match args.format {
        BudgetFormat::Table => check.render(),
        BudgetFormat::Json => format!("{}\n", serde_json::to_string_pretty(&check)?),
    };
    emit(None, text.as_bytes())?;
    for spend in check.providers.iter().filter(|spend| !spend.complete) {
        eprintln!(
            "usage-report: {} INCOMPLETE: {}",
            spend.provider,
            spend.problem.as_deref().unwrap_or("")
        );
    }
    Ok(if check.over {
        ExitCode::from(budget::OVER_LIMIT)
    } else if !check.complete {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What the store holds for `window`: one [`cost::ProviderCosts`] per provider synced (or
/// named), incomplete where the synced range does not cover the window.
async fn stored_costs(
    url: &StoreUrl,
    window: cost::Window,
    named: &[Provider],
) -> Result<(Vec<cost::ProviderCosts>, Vec<cost::CostRecord>), Box<dyn std::error::Error>> {
    let store = Store::open(url).await?;
    let synced: Vec<_> = store
        .synced_ranges()
        .await?
        .into_iter()
        .filter(|synced| synced.source == sync::USAGE)
        .collect();
    let providers: Vec<Provider> = if named.is_empty() {
        synced.iter().map(|synced| synced.provider).collect()
    } else {
        Provider::ALL
            .iter()
            .copied()
            .filter(|provider| named.contains(provider))
            .collect()
    };
    if providers.is_empty() {
        return Err(format!(
            "the store {url} holds no synced provider: run `usage-report sync` first"
        )
        .into());
    }
    let mut results = Vec::new();
    let mut invoices = Vec::new();
    for provider in providers {
        invoices.extend(
            store
                .records(provider, sync::INVOICES, sync::all_time())
                .await?,
        );
        let range = synced
            .iter()
            .find(|synced| synced.provider == provider)
            .map(|synced| synced.range);
        let records = store.records(provider, sync::USAGE, window).await?;
        let day = |time: chrono::DateTime<Utc>| time.format("%Y-%m-%d %H:%M").to_string();
        let missing = match range {
            None => Some(format!("never synced into {url}")),
            Some(range) if range.start > window.start || range.end < window.end => Some(format!(
                "the store {url} holds {} to {} only, not all of {} to {}",
                day(range.start),
                day(range.end),
                day(window.start),
                day(window.end)
            )),
            Some(_) => None,
        };
        results.push(cost::ProviderCosts {
            provider,
            records,
            outside_window: 0,
            errors: missing
                .map(|message| usage_bindings::Error::Incomplete { provider, message })
                .into_iter()
                .collect(),
        });
    }
    Ok((results, invoices))
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = Args::parse_with_env_help();
    let result = match args.command.take() {
        Some(Command::Sync(sync)) => run_sync(sync).await,
        Some(Command::Budget(budget)) => run_budget(budget).await,
        None => run(args).await,
    };
    match result {
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
    if args.parquet && args.format != Format::Focus {
        return Err("--parquet writes the FOCUS export: it takes --format focus".into());
    }
    let window = report::window(args.since, args.until, Utc::now().date_naive())?;
    if let Some(store) = &args.store {
        if args.demo || args.demo_server.is_some() {
            return Err("--store reads the store: it takes no --demo".into());
        }
        let url: StoreUrl = store.parse()?;
        let (results, invoices) = stored_costs(&url, window, &args.providers).await?;
        return render(&args, chart, window, &results, &invoices, false);
    }
    let wanted = wanted(&args.providers);
    let any_key = registry::descriptors().any(|descriptor| var(descriptor.key_env_var).is_some());
    // Kept alive until the report is fetched.
    let mut _demo = None;
    let sources = if any_key && !args.demo && args.demo_server.is_none() {
        sources_from_env(&wanted)?
    } else {
        let keys: Vec<&str> = registry::descriptors().map(|d| d.key_env_var).collect();
        let why = if args.demo {
            "--demo".to_string()
        } else {
            format!("none of {} is set", keys.join(", "))
        };
        let (server, sources) =
            demo_sources(window, &wanted, &why, args.demo_server.as_deref()).await?;
        _demo = server;
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
    let mut results = cost::fetch_all_with_progress(&sources, window, &|provider, records| {
        progress.update(provider, records)
    })
    .await;
    progress.finish();
    // In key order, as a store reads them back: the same records give the same output.
    for (result, source) in results.iter_mut().zip(&sources) {
        let records = std::mem::take(&mut result.records);
        result.records = cost::keyed(source.name(), records)
            .into_iter()
            .map(|(_, record)| record)
            .collect();
    }
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

    let invoices = if args.format == Format::Focus {
        cost::fetch_invoices(&sources)
            .await
            .map_err(|error| format!("no FOCUS export: reading the invoices failed: {error}"))?
    } else {
        Vec::new()
    };
    render(&args, chart, window, &results, &invoices, balance_failed)
}

/// Writes the report (or the FOCUS export) of `results` as the flags ask; the exit status says
/// whether everything was complete.
fn render(
    args: &Args,
    chart: bool,
    window: cost::Window,
    results: &[cost::ProviderCosts],
    invoices: &[cost::CostRecord],
    balance_failed: bool,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if args.format == Format::Focus {
        let file = FileFormat::of(args.parquet, args.output.as_deref());
        let (bytes, rows) = focus_out::export(results, invoices, args.focus_version, file)?;
        emit(args.output.as_deref(), &bytes)?;
        eprintln!("usage-report: {rows} FOCUS rows written");
        return Ok(if balance_failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    let report = Report::build(window, args.group_by, results);
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
