//! The discipline every cache entry on disk follows, whatever it holds (a parsed tree, a
//! checked result): one file per key, `header | payload`, written atomically, read only when
//! every part of the header matches, and pruned least recently used first.
//!
//! The header is a magic word naming what the entry holds, the entry format, the fingerprint
//! of the code that wrote it, the key the entry answers, the payload's length and the
//! payload's own BLAKE3 checksum. A file that is truncated, corrupt, written by another aims,
//! or holds the answer to another key is a miss, never trusted.

use super::TextHash;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Magic word, format, fingerprint, key, payload length, payload checksum.
pub(crate) const HEADER: usize = 8 + 4 + 32 + 32 + 8 + 32;

/// What an entry is for: the parts of its header that do not depend on the key.
#[derive(Clone, Copy)]
pub(crate) struct Kind {
    pub magic: &'static [u8; 8],
    pub format: u32,
    /// The file name extension of the entries (`tree`, `result`).
    pub extension: &'static str,
}

impl Kind {
    /// An entry answering `key` with `payload`, stamped with `fingerprint`.
    pub fn encode(&self, fingerprint: &TextHash, key: &TextHash, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.extend_from_slice(self.magic);
        out.extend_from_slice(&self.format.to_le_bytes());
        out.extend_from_slice(fingerprint);
        out.extend_from_slice(key);
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(blake3::hash(payload).as_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// The payload of `bytes`, when it is a whole, intact entry of this kind and format,
    /// written by code with `fingerprint`, for `key`.
    pub fn decode<'a>(&self, bytes: &'a [u8], fingerprint: &TextHash, key: &TextHash) -> Option<&'a [u8]> {
        let (header, payload) = bytes.split_at_checked(HEADER)?;
        let (magic, rest) = header.split_at(8);
        let (format, rest) = rest.split_at(4);
        let (stamp, rest) = rest.split_at(32);
        let (answers, rest) = rest.split_at(32);
        let (len, checksum) = rest.split_at(8);
        let fits = magic == self.magic
            && format == self.format.to_le_bytes()
            && stamp == fingerprint
            && answers == key
            && len == (payload.len() as u64).to_le_bytes()
            && checksum == blake3::hash(payload).as_bytes();
        fits.then_some(payload)
    }

    /// Where the entry for `key` lives in `dir`.
    pub fn path(&self, dir: &Path, key: &TextHash) -> PathBuf {
        let mut name = hex(key);
        name.push('.');
        name.push_str(self.extension);
        dir.join(name)
    }

    /// The bytes of the entry for `key` in `dir`, if there is a file; a read marks it as
    /// recently used, for [`prune`].
    pub fn read(&self, dir: &Path, key: &TextHash) -> Option<Vec<u8>> {
        let path = self.path(dir, key);
        let bytes = std::fs::read(&path).ok()?;
        // A failure only makes the entry look older.
        if let Ok(file) = std::fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
        Some(bytes)
    }

    /// Removes the entries of this kind in `dir` that are not in `used`, least recently used
    /// first, until the folder holds at most `limit` of them, taking at most `bytes` in all.
    /// One listing of the folder; errors are ignored (a file another run removed first, a
    /// read-only folder).
    pub fn prune(&self, dir: &Path, used: &rustc_hash::FxHashSet<TextHash>, limit: usize, bytes: u64) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let (mut count, mut size) = (0usize, 0u64);
        let mut unused: Vec<(std::time::SystemTime, PathBuf, u64)> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != self.extension) {
                continue;
            }
            let meta = entry.metadata().ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            count += 1;
            size += len;
            let in_use =
                path.file_stem().and_then(|s| s.to_str()).and_then(parse_hex).is_some_and(|key| used.contains(&key));
            if !in_use {
                let modified = meta.and_then(|m| m.modified().ok()).unwrap_or(std::time::UNIX_EPOCH);
                unused.push((modified, path, len));
            }
        }
        if count <= limit && size <= bytes {
            return;
        }
        // Oldest first; the path breaks ties so that the same folder is pruned the same way.
        unused.sort();
        for (_, path, len) in unused {
            if count <= limit && size <= bytes {
                break;
            }
            if std::fs::remove_file(path).is_ok() {
                count -= 1;
                size -= len;
            }
        }
    }
}

/// A key as 64 lowercase hex digits (an entry's file name).
pub(crate) fn hex(key: &TextHash) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in key {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// The key written as an entry's file name (64 hex digits).
pub(crate) fn parse_hex(hex: &str) -> Option<TextHash> {
    if hex.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

/// Writes `bytes` to `path` through a temporary file in `dir` renamed into place, so that a
/// reader never sees half an entry.
pub(crate) fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Creates `dir/sub` and tags `dir` as a cache (for backup and search tools; the tag's
/// absence changes nothing). `None` when the folder cannot be created.
pub(crate) fn open_folder(dir: &Path, sub: &str) -> Option<PathBuf> {
    let folder = dir.join(sub);
    std::fs::create_dir_all(&folder).ok()?;
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        let _ =
            write_atomically(dir, &tag, b"Signature: 8a477f597d28d172789f06886806bc55\n# aims cache: safe to delete\n");
    }
    Some(folder)
}
