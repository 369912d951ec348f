//! Reading one file from disk, safely: spec files and scoring scripts alike.
//!
//! A path can name anything: a FIFO that blocks the first `read` for ever, `/dev/zero` that
//! never ends, a socket. So a file is opened without blocking, its type is taken from the open
//! handle (not from the path, which could change in between), and the size limit is applied to
//! the bytes actually read, since `/proc` files and devices report a size of 0.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file could not be read, in plain words (without the path: the caller names it).
pub struct Unreadable(pub String);

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, Unreadable> {
    let (file, meta) = open_regular(path)?;
    // A file that says it is too large is refused before a byte is read or a buffer is made.
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    // One byte past the limit tells a file of exactly `limit` bytes from a longer one.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Unreadable(io_words(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// The regular file at `path`, opened for reading, and what the open handle says of it; a
/// FIFO, a socket or a device is refused without blocking (evidence files are read through
/// this too, in pieces).
pub fn open_regular(path: &Path) -> Result<(File, std::fs::Metadata), Unreadable> {
    let file = open_nonblocking(path).map_err(|e| {
        // A socket cannot be opened at all; the path's type says what it is better than errno.
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => {
                Unreadable(format!("{}, and aims reads only regular files", what_it_is(&meta)))
            }
            _ => Unreadable(io_words(&e)),
        }
    })?;
    let meta = file.metadata().map_err(|e| Unreadable(io_words(&e)))?;
    if !meta.is_file() {
        return Err(Unreadable(format!("{}, and aims reads only regular files", what_it_is(&meta))));
    }
    Ok((file, meta))
}

pub(crate) fn too_large(limit: u64) -> Unreadable {
    Unreadable(format!("it is larger than the {} aims reads", size_words(limit)))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opening a FIFO for reading blocks until a writer comes, unless O_NONBLOCK is given; on a
    // regular file the flag changes nothing.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What a file that is not a regular file is, in a compliance officer's words.
pub fn what_it_is(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "it is a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "it is a named pipe (FIFO), not a file";
        }
        if t.is_socket() {
            return "it is a socket, not a file";
        }
        if t.is_char_device() || t.is_block_device() {
            return "it is a device, not a file";
        }
    }
    "it is not a regular file"
}

fn size_words(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// An I/O error in plain words, never a raw "os error N".
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "no such file or directory",
        K::PermissionDenied => "permission denied",
        K::IsADirectory => "it is a folder",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::InvalidData => "it is not text",
        K::Interrupted | K::WouldBlock => "reading it was interrupted",
        K::OutOfMemory => "there is not enough memory to read it",
        K::StorageFull | K::QuotaExceeded => "the disk is full",
        _ => return os_words(e).map_or_else(|| fallback(e), str::to_string),
    };
    words.to_string()
}

#[cfg(unix)]
fn os_words(e: &std::io::Error) -> Option<&'static str> {
    Some(match e.raw_os_error()? {
        // From opening a socket, or a device with nothing behind it.
        libc::ENXIO | libc::ENODEV => "it is a device or socket, not a file",
        libc::ELOOP => "the path goes round in a loop of links",
        libc::EIO => "the disk reported an error while reading it",
        _ => return None,
    })
}

#[cfg(not(unix))]
fn os_words(_: &std::io::Error) -> Option<&'static str> {
    None
}

/// An error the table above does not know: the system's words, without the error number.
fn fallback(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => &s[..i],
        None => &s,
    };
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(path: &Path, limit: u64) -> String {
        match regular_file(path, limit) {
            Ok(bytes) => panic!("{} read ({} bytes) despite a limit of {limit}", path.display(), bytes.len()),
            Err(Unreadable(why)) => why,
        }
    }

    #[test]
    fn a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.aims");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        assert_eq!(regular_file(&path, 2048).ok().map(|b| b.len()), Some(2048));
        assert_eq!(refused(&path, 2047), "it is larger than the 1 KB aims reads");
    }

    // A `/proc` file says its size is 0: the limit holds on the bytes actually read.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_reports_no_size_is_still_cut_at_the_limit() {
        let path = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        assert_eq!(refused(path, 16), "it is larger than the 16 bytes aims reads");
    }
}
