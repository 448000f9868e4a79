//! The crate's public surface, recorded in `public-api.txt` at the top of the repository and
//! checked here, so that no public item appears, disappears or changes its signature without a
//! reviewed change to that file.
//!
//! How the list is made, on the stable toolchain (rustdoc's JSON output is nightly-only): this
//! test runs `cargo doc --no-deps --all-features` into a target directory of its own
//! (`target/public-api`, so that `RUSTDOCFLAGS` or a stale `target/doc` cannot change the
//! answer), then reads the HTML that rustdoc wrote. Starting from the crate's `index.html`, it
//! follows each module's item table — so only pages of the current build are read, never a page
//! left over from an item since removed — and, on each item's page, the `id` anchors rustdoc gives
//! to inherent methods, associated items, fields, variants and trait implementations, with the
//! signature shown in their header. `#[doc(hidden)]` items (`doc_server`, `fuzzing`, the manual's
//! old chapter names) are not part of the API and are not listed. Blanket implementations (`From<T>
//! for T`, `Any`, …) are left out, and of the auto traits only `Send`, `Sync`, `Unpin`,
//! `UnwindSafe` and `RefUnwindSafe` are listed: they do not depend on the toolchain's version.
//!
//! When the API changes on purpose, update the list and commit it with the change:
//!
//! ```text
//! UPDATE_PUBLIC_API=1 cargo test --test public_api
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATE: &str = "h1client";
const LIST: &str = "public-api.txt";

#[test]
fn public_api_matches_the_recorded_list() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc_root = build_docs(root);
    let current = public_items(&doc_root);
    assert!(
        current.len() > 100 && current.iter().any(|l| l == "struct h1client::Agent"),
        "the list read from {} is implausibly short: has rustdoc's HTML changed?\n{}",
        doc_root.display(),
        current.join("\n")
    );

    let path = root.join(LIST);
    let text = format!("{}{}\n", header(), current.join("\n"));
    if std::env::var_os("UPDATE_PUBLIC_API").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, text).expect("write public-api.txt");
        eprintln!("wrote {} ({} lines)", path.display(), current.len());
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    let recorded: Vec<&str> = recorded
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let recorded_set: BTreeSet<&str> = recorded.iter().copied().collect();
    let current_set: BTreeSet<&str> = current.iter().map(String::as_str).collect();
    let removed: Vec<&str> = recorded_set.difference(&current_set).copied().collect();
    let added: Vec<&str> = current_set.difference(&recorded_set).copied().collect();
    if removed.is_empty() && added.is_empty() {
        return;
    }
    let mut report = format!(
        "the public API differs from {LIST} ({} removed, {} added):\n\n",
        removed.len(),
        added.len()
    );
    for line in &removed {
        report.push_str(&format!("- {line}\n"));
    }
    for line in &added {
        report.push_str(&format!("+ {line}\n"));
    }
    report.push_str(
        "\nIf the change is intended (a removed or changed line breaks users: say so in the changelog), \
         record it:\n\n    UPDATE_PUBLIC_API=1 cargo test --test public_api\n\nand commit public-api.txt.\n",
    );
    panic!("{report}");
}

fn header() -> String {
    format!(
        "# The public API of {CRATE}, all features, as rustdoc documents it: one line per item, member,\n\
         # field, variant and trait implementation. Checked by tests/public_api.rs; regenerate with\n\
         #     UPDATE_PUBLIC_API=1 cargo test --test public_api\n\
         # and review the diff: a removed or changed line is a breaking change.\n"
    )
}

/// Runs rustdoc into `target/public-api` and returns the crate's documentation directory.
fn build_docs(root: &Path) -> PathBuf {
    let target = target_dir(root).join("public-api");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["doc", "--no-deps", "--all-features", "--quiet", "--target-dir"])
        .arg(&target)
        .env_remove("RUSTDOCFLAGS")
        .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
        .env_remove("CARGO_BUILD_RUSTDOCFLAGS")
        .output()
        .expect("run cargo doc");
    assert!(
        output.status.success(),
        "cargo doc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("doc").join(CRATE)
}

/// The `target` directory this test was built in: the test binary is `target/<profile>/deps/…`.
fn target_dir(root: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return root.join(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| root.join("target"))
}

/// Every public item and member, sorted: `kind path[: signature]`.
fn public_items(doc_root: &Path) -> Vec<String> {
    let mut lines = BTreeSet::new();
    let mut modules = vec![(CRATE.to_string(), doc_root.join("index.html"))];
    lines.insert(format!("mod {CRATE}"));
    while let Some((module, index)) = modules.pop() {
        let html = read(&index);
        let dir = index.parent().expect("a module page is in a directory").to_path_buf();
        for (id, code) in reexports(&html) {
            lines.insert(format!("reexport {module}::{id}: {code}"));
        }
        for href in item_links(&html) {
            let page = dir.join(&href);
            if let Some(sub) = href.strip_suffix("/index.html") {
                let path = format!("{module}::{sub}");
                lines.insert(format!("mod {path}"));
                modules.push((path, page));
            } else if let Some((kind, name)) = href.strip_suffix(".html").and_then(|f| f.split_once('.')) {
                let path = format!("{module}::{name}");
                item_page(&mut lines, kind, &path, &read(&page));
            }
        }
    }
    lines.into_iter().collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The links of a module page's item tables (`struct.Agent.html`, `trace/index.html`, …).
fn item_links(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<dl class=\"item-table\">") {
        let table = &rest[start..];
        let end = table.find("</dl>").unwrap_or(table.len());
        let mut inner = &table[..end];
        while let Some(at) = inner.find("<dt><a class=\"") {
            inner = &inner[at..];
            let href = attr(inner, "href").unwrap_or_default();
            if !href.contains("://") && !href.starts_with("..") {
                links.push(href);
            }
            inner = &inner[1..];
        }
        rest = &table[end..];
    }
    links
}

/// The re-exports a module page lists (`pub use rustls;`): (name, declaration).
fn reexports(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<dt id=\"reexport.") {
        rest = &rest[at..];
        let id = attr(rest, "id").unwrap_or_default();
        let name = id.trim_start_matches("reexport.").to_string();
        found.push((name, element_text(rest, "code")));
        rest = &rest[1..];
    }
    found
}

/// The value of the first attribute `name` in `html`.
fn attr(html: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = html.find(&key)? + key.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_string())
}

/// The text of the first `<tag …>…</tag>` in `html`, tags stripped and whitespace collapsed.
fn element_text(html: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let Some(start) = html.find(&open) else {
        return String::new();
    };
    let body_start = html[start..].find('>').map_or(start, |i| start + i + 1);
    let end = html[body_start..].find(&close).map_or(html.len(), |i| body_start + i);
    text(&html[body_start..end])
}

/// HTML to one line of text: tags dropped (a `<div>`, as around `#[non_exhaustive]`, becomes a
/// space), entities decoded, whitespace collapsed, no space inside brackets or before a comma.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let gt = rest[lt..].find('>').map_or(rest.len(), |i| lt + i + 1);
        if rest[lt..gt].starts_with("</div") || rest[lt..gt].starts_with("<div") {
            out.push(' ');
        }
        rest = &rest[gt..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    // `ⓘ` marks rustdoc's "notable traits" tooltip, not the signature
    let collapsed = decoded
        .replace('ⓘ', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    collapsed
        .trim_end_matches(',')
        .replace("( ", "(")
        .replace(", )", ")")
        .replace(" )", ")")
        .replace(",)", ")")
        .replace(" ,", ",")
}

/// Where on an item page an anchor stands.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Section {
    Top,
    Inherent,
    DerefMethods,
    TraitImpls,
    AutoImpls,
    BlanketImpls,
    Implementors,
}

const AUTO_TRAITS: [&str; 5] = ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

/// The lines for one item page: the item's declaration, then its members.
fn item_page(lines: &mut BTreeSet<String>, kind: &str, path: &str, html: &str) {
    let main = html.find("id=\"main-content\"").map_or(html, |i| &html[i..]);
    let decl = main
        .find("class=\"rust item-decl\"")
        .map(|i| element_text(&main[i..], "code"));
    let decl = decl.unwrap_or_default();
    let line = match kind {
        // the head of the declaration: attributes, generics, bounds; the members follow
        "struct" | "enum" | "union" | "trait" => {
            let head = decl.split(['{', ';']).next().unwrap_or_default().trim();
            format!("{kind} {path}: {head}")
        }
        _ => format!("{kind} {path}: {decl}"),
    };
    // a struct without attributes or generics gets just its path
    let plain = format!(
        "{kind} {path}: pub {kind} {}",
        path.rsplit("::").next().unwrap_or_default()
    );
    lines.insert(if line == plain { format!("{kind} {path}") } else { line });

    // An item of another crate shown here (`pub use url::Url`) has that crate's members, under
    // that crate's semver: only the item itself is ours. So are a type alias's (`Result`).
    let source = main.find("class=\"src\"").and_then(|i| attr(&main[i..], "href"));
    let ours = source.is_some_and(|href| href.contains(&format!("src/{CRATE}/")));
    if !ours || kind == "type" {
        return;
    }

    let markers = [
        ("id=\"implementations-list\"", Section::Inherent),
        ("id=\"deref-methods-", Section::DerefMethods),
        ("id=\"trait-implementations-list\"", Section::TraitImpls),
        ("id=\"synthetic-implementations-list\"", Section::AutoImpls),
        ("id=\"blanket-implementations-list\"", Section::BlanketImpls),
        ("id=\"implementors-list\"", Section::Implementors),
        ("id=\"foreign-impls\"", Section::Implementors),
        ("id=\"required-methods\"", Section::Top),
        ("id=\"provided-methods\"", Section::Top),
    ];
    let mut starts: Vec<(usize, Section)> = markers
        .iter()
        .filter_map(|(m, s)| main.find(m).map(|at| (at, *s)))
        .collect();
    starts.sort_by_key(|(at, _)| *at);
    let section_at = |at: usize| {
        starts
            .iter()
            .take_while(|(start, _)| *start <= at)
            .last()
            .map_or(Section::Top, |(_, s)| *s)
    };

    let mut rest = main;
    let mut offset = 0;
    while let Some(at) = rest.find(" id=\"") {
        let here = &rest[at..];
        let id = attr(here, "id").unwrap_or_default();
        let section = section_at(offset + at);
        if let Some(line) = member(path, &id, section, here) {
            lines.insert(line);
        }
        offset += at + 1;
        rest = &rest[at + 1..];
    }
}

/// The line for one anchor of an item page, if it is part of the API.
fn member(path: &str, id: &str, section: Section, html: &str) -> Option<String> {
    let header = || {
        let h3 = html.find("<h3 class=\"code-header\">");
        let h4 = html.find("<h4 class=\"code-header\">");
        let code = html.find("<code>");
        let first = [h3.map(|i| (i, "h3")), h4.map(|i| (i, "h4")), code.map(|i| (i, "code"))]
            .into_iter()
            .flatten()
            .min()?;
        Some(element_text(&html[first.0..], first.1))
    };
    let (prefix, name) = id.split_once('.').unwrap_or((id, ""));
    match (section, prefix) {
        (Section::BlanketImpls | Section::DerefMethods, _) => None,
        (Section::TraitImpls, "impl") if id.starts_with("impl-") => Some(format!("impl {path}: {}", header()?)),
        (Section::AutoImpls, _) if id.starts_with("impl-") => {
            let head = header()?;
            let trait_name = head.trim_start_matches("impl").trim_start_matches(|c| c != ' ').trim();
            let trait_name = trait_name.trim_start_matches('!').split(' ').next().unwrap_or_default();
            AUTO_TRAITS
                .contains(&trait_name)
                .then(|| format!("auto-impl {path}: {head}"))
        }
        (Section::Implementors, _) if id.starts_with("impl-") => Some(format!("implementor {path}: {}", header()?)),
        (Section::Top | Section::Inherent, "method" | "tymethod") => {
            Some(format!("method {path}::{}: {}", strip_suffix(name), header()?))
        }
        (Section::Top | Section::Inherent, "associatedconstant") => {
            Some(format!("const {path}::{}: {}", strip_suffix(name), header()?))
        }
        (Section::Top | Section::Inherent, "associatedtype") => {
            Some(format!("type {path}::{}: {}", strip_suffix(name), header()?))
        }
        (Section::Top, "structfield") => Some(format!("field {path}::{name}: {}", header()?)),
        (Section::Top, "variant") => match name.split_once(".field.") {
            Some((variant, field)) => Some(format!("field {path}::{variant}::{field}: {}", header()?)),
            None if !name.contains('.') => Some(format!("variant {path}::{name}: {}", header()?)),
            None => None,
        },
        _ => None,
    }
}

/// `fmt-1` → `fmt`: rustdoc numbers repeated anchors.
fn strip_suffix(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, n)) if n.chars().all(|c| c.is_ascii_digit()) => base,
        _ => name,
    }
}
