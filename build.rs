//! Embeds every file under stdlib/ in the binary, in sorted path order, so the stdlib needs no
//! installation and its order (and so the output) never depends on the file system; and stamps
//! the binary with a fingerprint of everything it is built from, which the cache of checked
//! results (src/cache/results.rs) keys on.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // A file added to a folder changes the folder, not stdlib/ itself.
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "aims" || e == "rhai") {
            out.push(path);
        }
    }
}

fn main() {
    // The directory of this build, read when the script runs: `env!` would bake in the one it
    // was compiled in, and a `target/` copied from another checkout would then embed that
    // checkout's stdlib.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("stdlib");
    println!("cargo:rerun-if-changed=stdlib");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).expect("under stdlib").to_string_lossy().replace('\\', "/");
        code.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", f.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("stdlib_files.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
    println!("cargo:rustc-env=AIMS_BUILD_FINGERPRINT={}", fingerprint(Path::new(&manifest)));
}

/// A fingerprint of the sources of this build: every file of the code, the grammar, the
/// stdlib, the manifest and lock file, this script, and the compiler's version. Any change to
/// any of them gives another fingerprint, so a result cached by another build is never read.
fn fingerprint(root: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    for part in ["src", "grammar", "stdlib"] {
        println!("cargo:rerun-if-changed={part}");
        all_files(&root.join(part), &mut files);
    }
    for file in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={file}");
        files.push(root.join(file));
    }
    files.sort();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc).arg("-V").output().map(|o| o.stdout).unwrap_or_default();
    // Two SipHash streams with different seeds: 128 bits, enough that two builds never meet.
    let mut halves = [std::hash::DefaultHasher::new(), std::hash::DefaultHasher::new()];
    for (seed, h) in halves.iter_mut().enumerate() {
        seed.hash(h);
        version.hash(h);
        std::env::var("PROFILE").unwrap_or_default().hash(h);
        std::env::var("TARGET").unwrap_or_default().hash(h);
        for f in &files {
            f.strip_prefix(root).unwrap_or(f).to_string_lossy().replace('\\', "/").hash(h);
            std::fs::read(f).unwrap_or_default().hash(h);
        }
    }
    format!("{:016x}{:016x}", halves[0].finish(), halves[1].finish())
}

/// Every file under `dir`, whatever its name.
fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
