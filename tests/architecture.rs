//! The shape of the source tree, read from the files themselves:
//!
//! - the modules of `src/` do not import each other in a cycle: each file `src/*.rs` and each
//!   folder `src/<dir>/` is one module (`lib.rs`, the root, is left out), and a module depends on
//!   every top-level module its code names through `crate::` or `$crate::` (a name the root
//!   re-exports counts as the module it comes from);
//! - the shared code (the library's and the tool's, outside a provider's own folder) names no
//!   provider in its code: comments and doc comments may, identifiers and string literals may not.
//!
//! `public_items` (ignored: it reads `cargo doc` output) lists the crate's public items, one path
//! each line, with the count:
//!
//! ```text
//! cargo doc --all-features --no-deps -p usage-bindings
//! cargo test --all-features --test architecture -- --ignored --nocapture public_items
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use usage_bindings::Provider;

/// The providers whose names stay in their own folders: every [`Provider`] (one line each in
/// `providers!`), whether or not its feature is on.
fn providers() -> Vec<&'static str> {
    Provider::ALL
        .iter()
        .map(|provider| provider.as_str())
        .collect()
}

/// A token of Rust source, comments left out.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// An identifier or keyword (`crate`, `OpenAi`), a raw identifier without its `r#`.
    Ident(String),
    /// The text between the quotes of a string literal (plain, raw, byte or C), escapes as written.
    Str(String),
    /// Any other character that is not white space; numbers and char literals are dropped.
    Punct(char),
}

/// The tokens of `source` with their line numbers (from 1). Line, block and doc comments are
/// dropped, and so are the strings of `#[doc = "…"]` attributes: they are documentation.
fn lex(source: &str) -> Vec<(usize, Token)> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    // Consumes a quoted string from the opening quote at `i` (escapes honoured unless `raw`,
    // closed by a quote and `hashes` `#`), returning its text.
    let string = |i: &mut usize, line: &mut usize, raw: bool, hashes: usize| -> String {
        let mut text = String::new();
        *i += 1;
        while *i < chars.len() {
            let c = chars[*i];
            if c == '\n' {
                *line += 1;
            }
            if !raw && c == '\\' {
                text.push(c);
                if let Some(&next) = chars.get(*i + 1) {
                    if next == '\n' {
                        *line += 1;
                    }
                    text.push(next);
                }
                *i += 2;
                continue;
            }
            if c == '"' && (0..hashes).all(|k| chars.get(*i + 1 + k) == Some(&'#')) {
                *i += 1 + hashes;
                return text;
            }
            text.push(c);
            *i += 1;
        }
        text
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => {
                let start = line;
                let text = string(&mut i, &mut line, false, 0);
                tokens.push((start, Token::Str(text)));
            }
            '\'' => {
                if at(i + 1) == '\\' {
                    // A char literal with an escape: up to the closing quote.
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(i + 2) == '\'' {
                    // A char literal of one character.
                    i += 3;
                } else {
                    // A lifetime or a label.
                    i += 1;
                    while at(i).is_alphanumeric() || at(i) == '_' {
                        i += 1;
                    }
                }
            }
            c if c.is_ascii_digit() => {
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let prefix = matches!(word.as_str(), "b" | "c" | "r" | "br" | "cr");
                let raw = word.ends_with('r');
                let hashes = (0..).take_while(|k| at(i + k) == '#').count();
                if prefix && at(i + hashes) == '"' && (raw || hashes == 0) {
                    let first = line;
                    i += hashes;
                    let text = string(&mut i, &mut line, raw, hashes);
                    tokens.push((first, Token::Str(text)));
                } else if word == "r"
                    && hashes == 1
                    && (at(i + 1).is_alphabetic() || at(i + 1) == '_')
                {
                    i += 1;
                    let start = i;
                    while at(i).is_alphanumeric() || at(i) == '_' {
                        i += 1;
                    }
                    tokens.push((line, Token::Ident(chars[start..i].iter().collect())));
                } else {
                    tokens.push((line, Token::Ident(word)));
                }
            }
            c => {
                tokens.push((line, Token::Punct(c)));
                i += 1;
            }
        }
    }
    drop_doc_attributes(tokens)
}

/// The tokens without the string of each `#[doc = "…"]` and `#![doc = "…"]`.
fn drop_doc_attributes(tokens: Vec<(usize, Token)>) -> Vec<(usize, Token)> {
    let mut kept: Vec<(usize, Token)> = Vec::with_capacity(tokens.len());
    for (line, token) in tokens {
        if let Token::Str(_) = token {
            let n = kept.len();
            let tail: Vec<&Token> = kept[n.saturating_sub(4)..].iter().map(|(_, t)| t).collect();
            let doc = matches!(
                tail.as_slice(),
                [.., Token::Punct('['), Token::Ident(name), Token::Punct('=')] if name == "doc"
            );
            if doc {
                continue;
            }
        }
        kept.push((line, token));
    }
    kept
}

/// The names of top-level modules that `tokens` reach through `crate::` or `$crate::`: the first
/// segment after it, or each first segment of a `crate::{a::b, c}` group; with the line.
fn crate_paths(tokens: &[(usize, Token)]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let ident = |i: usize| match tokens.get(i) {
        Some((_, Token::Ident(name))) => Some(name.as_str()),
        _ => None,
    };
    let punct = |i: usize, c: char| matches!(tokens.get(i), Some((_, Token::Punct(p))) if *p == c);
    for i in 0..tokens.len() {
        if ident(i) != Some("crate") || !punct(i + 1, ':') || !punct(i + 2, ':') {
            continue;
        }
        let line = tokens[i].0;
        if let Some(name) = ident(i + 3) {
            found.push((line, name.to_string()));
        } else if punct(i + 3, '{') {
            let (mut depth, mut expecting) = (0, true);
            for (_, token) in &tokens[i + 3..] {
                match token {
                    Token::Punct('{') => depth += 1,
                    Token::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Token::Punct(',') if depth == 1 => expecting = true,
                    Token::Ident(name) if depth == 1 && expecting => {
                        found.push((line, name.clone()));
                        expecting = false;
                    }
                    _ if depth == 1 => expecting = false,
                    _ => {}
                }
            }
        }
    }
    found
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The top-level module a file of `src/` belongs to: its folder, or its own name.
fn module_of(path: &Path) -> Option<String> {
    let inside = path.strip_prefix(root().join("src")).ok()?;
    let first = inside.components().next()?.as_os_str().to_str()?;
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(stem) => Some(stem.to_string()),
        None => Some(first.to_string()),
    }
}

/// What the root declares: each module's name in paths (a `#[path]` module is named by its
/// file), and each name it re-exports with the module it comes from.
fn root_names(modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let tokens = lex(&read(&root().join("src/lib.rs")));
    let mut names: BTreeMap<String, String> =
        modules.iter().map(|m| (m.clone(), m.clone())).collect();
    let mut path_attribute: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].1 {
            Token::Ident(word) if word == "path" => {
                if let Some((_, Token::Str(file))) = tokens.get(i + 2) {
                    path_attribute = file.strip_suffix(".rs").map(str::to_string);
                }
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some((_, Token::Ident(name))), Some(file)) =
                    (tokens.get(i + 1), path_attribute.take())
                {
                    names.insert(name.clone(), file);
                }
            }
            Token::Ident(word) if word == "use" => {
                // `use module::{A, B};` or `use module::A;` at the root.
                let mut j = i + 1;
                let mut segments = Vec::new();
                while let Some((_, token)) = tokens.get(j) {
                    match token {
                        Token::Punct(';') => break,
                        Token::Ident(name) => segments.push((name.clone(), j)),
                        _ => {}
                    }
                    j += 1;
                }
                let module = segments
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .find(|name| *name != "crate" && *name != "self");
                if let Some(module) = module.filter(|m| modules.contains(*m)) {
                    let module = module.to_string();
                    if let Some((last, _)) = segments.last() {
                        if *last != module {
                            // Each name after `{` or `,`, or the last segment.
                            let group = tokens[i..j].iter().any(|(_, t)| *t == Token::Punct('{'));
                            if group {
                                for k in i..j {
                                    if let (Token::Punct('{' | ','), Some((_, Token::Ident(n)))) =
                                        (&tokens[k].1, tokens.get(k + 1))
                                    {
                                        names.insert(n.clone(), module.clone());
                                    }
                                }
                            } else {
                                names.insert(last.clone(), module);
                            }
                        }
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    names
}

/// The module graph of `src/`: for each module, the modules it names, each with where.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn module_graph() -> Graph {
    let files = rust_files(&root().join("src"));
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    let names = root_names(&modules);
    let mut graph: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeMap::new()))
        .collect();
    for file in &files {
        let Some(from) = module_of(file) else {
            continue;
        };
        for (line, name) in crate_paths(&lex(&read(file))) {
            let Some(to) = names.get(&name) else { continue };
            if *to != from {
                graph
                    .get_mut(&from)
                    .expect("every module is a node")
                    .entry(to.clone())
                    .or_insert_with(|| format!("{}:{line}", relative(file)));
            }
        }
    }
    graph
}

/// The cycles of `graph`: for each strongly connected set of more than one module, one cycle
/// through it, as the modules in order (the first again at the end).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    // Tarjan's algorithm over the sorted nodes, so that the answer is the same on every run.
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        sets: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(s: &mut State<'a>, node: &'a str) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        for next in s.graph[node].keys() {
            let next = next.as_str();
            if !s.index.contains_key(next) {
                visit(s, next);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut set = Vec::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                set.push(top);
                if top == node {
                    break;
                }
            }
            if set.len() > 1 {
                s.sets.push(set);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        sets: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    // One cycle per set: a shortest path back to its smallest module, inside the set.
    state
        .sets
        .iter()
        .map(|set| {
            let inside: BTreeSet<&str> = set.iter().copied().collect();
            let start = *inside.iter().next().expect("a set is not empty");
            let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut end = None;
            'search: while let Some(node) = queue.pop_front() {
                for next in graph[node].keys().map(String::as_str) {
                    if next == start {
                        end = Some(node);
                        break 'search;
                    }
                    if inside.contains(next) && !previous.contains_key(next) {
                        previous.insert(next, node);
                        queue.push_back(next);
                    }
                }
            }
            let mut path = vec![start.to_string()];
            let mut node = end.expect("a strongly connected set has a cycle");
            while node != start {
                path.push(node.to_string());
                node = previous[node];
            }
            path.push(start.to_string());
            let last = path.len() - 1;
            path[1..last].reverse();
            path
        })
        .collect()
}

#[test]
fn the_modules_of_src_import_each_other_in_no_cycle() {
    let graph = module_graph();
    // The reader sees the dependencies it must see.
    for (from, to) in [
        ("config", "error"),
        ("paging", "error"),
        ("transport", "retry"),
    ] {
        assert!(
            graph[from].contains_key(to),
            "{from} depends on {to}, but the graph says {:?}",
            graph[from]
        );
    }
    // Shown with `--nocapture`.
    for (from, to) in &graph {
        println!(
            "{from} -> {}",
            to.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let found = cycles(&graph);
    let mut report = String::new();
    for cycle in &found {
        writeln!(report, "cycle: {}", cycle.join(" -> ")).unwrap();
        for pair in cycle.windows(2) {
            let (from, to) = (&pair[0], &pair[1]);
            writeln!(report, "  {from} -> {to} at {}", graph[from][to]).unwrap();
        }
    }
    assert!(
        found.is_empty(),
        "the modules of src/ import each other:\n{report}"
    );
}

#[test]
fn the_cycle_finder_finds_a_planted_cycle() {
    let graph: Graph = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a", "d"]),
        ("d", vec![]),
        ("e", vec!["e2"]),
        ("e2", vec!["e"]),
    ]
    .into_iter()
    .map(|(from, to)| {
        let edges = to
            .into_iter()
            .map(|t| (t.to_string(), "here".to_string()))
            .collect();
        (from.to_string(), edges)
    })
    .collect();
    let found = cycles(&graph);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.contains(&vec!["a".into(), "b".into(), "c".into(), "a".into()]),
        "{found:?}"
    );
    assert!(
        found.contains(&vec!["e".into(), "e2".into(), "e".into()]),
        "{found:?}"
    );
    let tokens = lex(
        "use crate::{a::B, c, self as d};\n// crate::commented\n$crate::m::f(\"crate::quoted\");",
    );
    let names: Vec<String> = crate_paths(&tokens)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    assert_eq!(names, ["a", "c", "self", "m"]);
}

/// Where the code of `source` names a provider: each line with the identifier or string literal.
fn provider_names(source: &str) -> Vec<(usize, String)> {
    lex(source)
        .into_iter()
        .filter_map(|(line, token)| {
            let text = match token {
                Token::Ident(text) => text,
                Token::Str(text) => format!("{text:?}"),
                Token::Punct(_) => return None,
            };
            let lower = text.to_lowercase();
            providers()
                .iter()
                .any(|provider| lower.contains(provider))
                .then_some((line, text))
        })
        .collect()
}

/// The lines (1-based) of the registry's one-line-per-provider lists: the invocations of
/// `providers!` (the `Provider` enum, in `src/provider.rs`) and `provider_modules!` (the modules
/// and their descriptors, in `src/lib.rs`), from the invocation's first line to its closing `}`.
/// These lists are where providers are named; nothing else in shared code may name one.
fn registration_lines(text: &str) -> std::collections::BTreeSet<usize> {
    let mut lines = std::collections::BTreeSet::new();
    let mut inside = false;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("providers! {") || line.starts_with("provider_modules! {") {
            inside = true;
        }
        if inside {
            lines.insert(index + 1);
            if line == "}" {
                inside = false;
            }
        }
    }
    lines
}

#[test]
fn only_the_registration_lists_are_exempt() {
    let text = "fn a() {}\nproviders! {\n    OpenAi = \"openai\", \"OpenAI\";\n}\nconst B: &str = \"phala\";\n";
    let exempt = registration_lines(text);
    assert_eq!(exempt.into_iter().collect::<Vec<_>>(), [2, 3, 4]);
    let flagged: Vec<usize> = provider_names(text)
        .into_iter()
        .map(|(line, _)| line)
        .filter(|line| !registration_lines(text).contains(line))
        .collect();
    assert_eq!(flagged, [5]);
}

/// The shared code: every `.rs` file of the library's `src/` and of the tool's `src/` outside a
/// folder named after a provider.
fn shared_files() -> Vec<PathBuf> {
    let in_provider_folder = |path: &Path| {
        path.parent().is_some_and(|dir| {
            dir.components().any(|part| {
                let part = part.as_os_str().to_string_lossy().to_lowercase();
                providers().contains(&part.as_str())
            })
        })
    };
    let mut files = rust_files(&root().join("src"));
    files.extend(rust_files(&root().join("usage-report/src")));
    files
        .into_iter()
        .filter(|path| !in_provider_folder(path.strip_prefix(root()).unwrap_or(path)))
        .collect()
}

#[test]
fn the_scanner_finds_a_planted_provider_name() {
    let planted = r##"
//! Module docs may name OpenAI.
/// So may item docs: Anthropic.
#[doc = "and doc attributes: phala"]
fn shared() {
    // A comment may say northflank.
    /* and a block comment /* nested */ Phala Cloud */
    let provider = "Uses Phala Cloud";
    let northflank_client = 1;
    let quote = '"'; let lifetime: &'static str = "no name here";
    let raw = r#"an "anthropic" key"#;
    let ok = Provider::OpenAi;
}
"##;
    let found = provider_names(planted);
    assert_eq!(
        found,
        [
            (8, r#""Uses Phala Cloud""#.to_string()),
            (9, "northflank_client".to_string()),
            (11, r#""an \"anthropic\" key""#.to_string()),
            (12, "OpenAi".to_string()),
        ]
    );
}

#[test]
fn shared_code_names_no_provider() {
    let files = shared_files();
    let names: Vec<String> = files.iter().map(|f| relative(f)).collect();
    // The scan covers the library's shared modules and the tool.
    for expected in [
        "src/error.rs",
        "src/cost/mod.rs",
        "usage-report/src/main.rs",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} is not scanned: {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.starts_with("src/openai/")),
        "{names:?}"
    );
    let mut report = String::new();
    let mut count = 0;
    for file in &files {
        let text = read(file);
        let registrations = registration_lines(&text);
        for (line, text) in provider_names(&text)
            .into_iter()
            .filter(|(line, _)| !registrations.contains(line))
        {
            writeln!(report, "{}:{line}: {text}", relative(file)).unwrap();
            count += 1;
        }
    }
    assert!(
        count == 0,
        "{count} provider names in the code of shared modules (outside a provider's folder):\n{report}"
    );
}
