//! The server's modules depend on each other in one direction only (no import cycles), as
//! lib.rs's layout says. Read from the sources: every `crate::…`, `super::…` and child-module
//! path outside comments and test modules is an edge from the file's module to the module it
//! names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `api/ws.rs` → `api::ws`, `api/mod.rs` → `api`, `lib.rs` → `crate` (binaries: none).
fn module_of(rel: &Path) -> Option<String> {
    let s = rel.to_string_lossy().replace('\\', "/");
    if s == "main.rs" || s.starts_with("bin/") {
        return None;
    }
    if s == "lib.rs" {
        return Some("crate".into());
    }
    let s = s.trim_end_matches(".rs").trim_end_matches("/mod");
    Some(s.replace('/', "::"))
}

fn parent(m: &str) -> String {
    match m.rsplit_once("::") {
        Some((p, _)) => p.to_owned(),
        None => "crate".to_owned(),
    }
}

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths in `code` that start with `prefix` (`crate::`, `super::` or `child::`), braces
/// expanded one level (`super::{a, b}`).
fn paths(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find(prefix) {
        let at = from + i;
        from = at + prefix.len();
        let boundary = at == 0
            || !(bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || bytes[at - 1] == b':');
        if !boundary {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(name);
        }
    }
    out
}

/// The longest module among `modules` that `path` (relative to `base`) starts with.
fn resolve(base: &str, path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut best = None;
    let mut current = if base == "crate" {
        String::new()
    } else {
        base.to_owned()
    };
    for seg in path.split("::").filter(|s| !s.is_empty()) {
        current = if current.is_empty() {
            seg.to_owned()
        } else {
            format!("{current}::{seg}")
        };
        if modules.contains(&current) {
            best = Some(current.clone());
        } else {
            break;
        }
    }
    best
}

#[test]
fn server_modules_form_a_dag() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    sources(dir, &mut files);
    let mut text = BTreeMap::new();
    for f in &files {
        if let Some(m) = module_of(f.strip_prefix(dir).unwrap()) {
            text.insert(m, code(&std::fs::read_to_string(f).unwrap()));
        }
    }
    let modules: BTreeSet<String> = text.keys().cloned().collect();
    assert!(
        modules.contains("api::routes") && modules.contains("hub"),
        "{modules:?}"
    );
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, code) in &text {
        let mut deps = BTreeSet::new();
        for p in paths(code, "crate::") {
            deps.extend(resolve("crate", &p, &modules));
        }
        for p in paths(code, "super::") {
            deps.extend(resolve(&parent(m), &p, &modules));
        }
        // Children named directly (`routes::table()` in api/mod.rs).
        for child in modules.iter().filter(|c| parent(c) == *m) {
            let name = child.rsplit("::").next().unwrap();
            if !paths(code, &format!("{name}::")).is_empty() {
                deps.insert(child.clone());
            }
        }
        deps.remove(m);
        edges.insert(m.clone(), deps);
    }
    // Depth-first search for a cycle.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let i = stack.iter().position(|s| s == m).unwrap();
                let mut cycle = stack[i..].to_vec();
                cycle.push(m.to_owned());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(m.to_owned(), 1);
        stack.push(m.to_owned());
        for d in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(m.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        let cycle = visit(m, &edges, &mut state, &mut Vec::new());
        assert!(
            cycle.is_none(),
            "an import cycle: {}",
            cycle.unwrap().join(" → ")
        );
    }
    // The edges the layering rests on are really seen (so the scan is not blind).
    let has = |a: &str, b: &str| edges[a].contains(b);
    assert!(has("api::openapi", "api::routes"));
    assert!(has("api::routes", "api::ws"));
    assert!(has("api::ws", "api::extract"));
    assert!(has("api", "api::routes"));
    assert!(has("hub", "fanout"));
    assert!(!has("api::routes", "api::openapi"));
}
