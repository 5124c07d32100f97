//! Embeds every `ontologies/shapes/*.ttl` file in the library (`default_shapes()`), so an
//! installed `jiyi` binary validates without the repository and adding a profile's shapes is
//! dropping a file in that folder: no code to change.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let dir = manifest.join("../../ontologies/shapes");
    println!("cargo:rerun-if-changed={}", dir.display());
    // No shapes would make every store "conform": fail the build instead.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; the profile shapes are embedded from there",
                dir.display()
            )
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
        .collect();
    assert!(
        !files.is_empty(),
        "{}: no *.ttl shapes files to embed",
        dir.display()
    );
    files.sort();
    let mut code = String::from(
        "/// `(file name, Turtle)` of the embedded shapes files.\npub(crate) const EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = file.canonicalize().unwrap_or_else(|_| file.clone());
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_shapes.rs");
    std::fs::write(out, code).expect("writing embedded_shapes.rs");
}
