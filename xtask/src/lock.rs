//! Versions pinned in files: the wasm-bindgen of `Cargo.lock` and the tools of `Trunk.toml`.

use std::path::Path;

/// The single wasm-bindgen version in `Cargo.lock`; the CLI must match it exactly.
pub fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let path = root.join("Cargo.lock");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut versions: Vec<String> = text
        .split("[[package]]")
        .filter(|block| block.lines().any(|l| l.trim() == "name = \"wasm-bindgen\""))
        .filter_map(|block| string_value(block, "version"))
        .collect();
    versions.dedup();
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err("Cargo.lock names no wasm-bindgen package".into()),
        many => Err(format!(
            "Cargo.lock names several wasm-bindgen versions ({}); keep one",
            many.join(", ")
        )),
    }
}

/// The value of `key` in `[section]` of `Trunk.toml`, if set.
pub fn trunk_toml_value(root: &Path, section: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join("Trunk.toml")).ok()?;
    let header = format!("[{section}]");
    let mut inside = false;
    let mut body = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
        } else if inside {
            body.push_str(line);
            body.push('\n');
        }
    }
    string_value(&body, key)
}

/// The quoted value of a `key = "value"` line.
fn string_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        if k.trim() != key {
            return None;
        }
        let v = v.split('#').next()?.trim();
        Some(v.trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::string_value;

    #[test]
    fn reads_a_quoted_value() {
        let block = "\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(string_value(block, "version").as_deref(), Some("0.2.130"));
        assert_eq!(string_value(block, "missing"), None);
    }
}
