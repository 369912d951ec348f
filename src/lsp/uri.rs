//! Where a file of the run lives, as the editor names it.
//!
//! Spec files are `file://` URIs. The stdlib is embedded in the binary, so its files have URIs
//! of their own, `aims-stdlib:///schema/controls.aims`, which clients open read-only: the
//! server answers the `aims/stdlibSource` request with the text (the way Deno serves `deno:`
//! documents). Any other scheme (`untitled:`) is kept as written, as a spec file without a path.

use std::path::{Path, PathBuf};

pub const STDLIB_SCHEME: &str = "aims-stdlib";
const STDLIB_PREFIX: &str = "aims-stdlib:///";
const FILE_PREFIX: &str = "file://";

/// The URI of a stdlib file named `<stdlib>/schema/x.aims` in diagnostics.
pub fn stdlib_uri(name: &str) -> String {
    format!("{STDLIB_PREFIX}{}", name.trim_start_matches("<stdlib>/"))
}

/// The stdlib path (`schema/x.aims`) of an `aims-stdlib:` URI.
pub fn stdlib_path(uri: &str) -> Option<&str> {
    uri.strip_prefix(STDLIB_PREFIX).or_else(|| uri.strip_prefix("aims-stdlib:"))
}

pub fn file_uri(path: &Path) -> String {
    let mut out = String::from(FILE_PREFIX);
    let text = path.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The path of a `file://` URI, with `%XX` escapes decoded; `None` for other schemes.
pub fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix(FILE_PREFIX)?;
    // `file://host/path`: only the local host (empty or `localhost`) is a path on this machine.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && bytes[i + 1..i + 3].iter().all(u8::is_ascii_hexdigit) {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => decoded[1..].to_string(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        let p = Path::new("/tmp/Gouvernance IA/risques é.aims");
        let uri = file_uri(p);
        assert_eq!(uri, "file:///tmp/Gouvernance%20IA/risques%20%C3%A9.aims");
        assert_eq!(file_path(&uri).as_deref(), Some(p));
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(stdlib_path(&stdlib_uri("<stdlib>/schema/controls.aims")), Some("schema/controls.aims"));
    }
}
