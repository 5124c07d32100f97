//! Portability: every demo mapping in data/mappings runs unchanged in Morph-KGC (the peer RML
//! engine, installed by scripts/install-deps) and gives a graph isomorphic to `jiyi map`'s.
//! The comparison (tests/interop/morph_compare.py, rdflib) documents the two normalisations
//! it makes: Morph-KGC has no base IRI, and writes IRIs in URI form.
//! No demo mapping uses a Jiyi-only function today; one that does must be listed in
//! `JIYI_ONLY` with the reason, and is then skipped here.

mod support;

use std::path::PathBuf;
use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";

/// Demo mappings that need Jiyi-only features, with why.
const JIYI_ONLY: &[(&str, &str)] = &[(
    "datagovtw.rml.ttl",
    "reads a folder of JSON files (Jiyi's folder source) and calls Jiyi's catalogue functions \
     (jiyi:present, jiyi:licence, jiyi:webUrl …); checked by tests/datagovtw_ingest.rs",
)];

fn morph_python() -> String {
    std::env::var("JIYI_MORPH_PYTHON").unwrap_or_else(|_| {
        panic!("JIYI_MORPH_PYTHON is not set: run the suite with scripts/test, which installs Morph-KGC")
    })
}

#[test]
fn demo_mappings_give_isomorphic_graphs_in_morph_kgc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut compared = 0;
    for mapping in demo_mappings() {
        let name = mapping
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        if let Some((_, why)) = JIYI_ONLY.iter().find(|(m, _)| *m == name) {
            println!("SKIP {name}: {why}");
            continue;
        }
        let jiyi_out = dir.path().join(format!("{name}.jiyi.nq"));
        jiyi_ok(&[
            "map",
            "--mapping",
            mapping.to_str().expect("utf-8"),
            "--out",
            jiyi_out.to_str().expect("utf-8"),
            "--base",
            BASE,
        ]);
        // Morph-KGC resolves source paths against its working directory: run it in the
        // mapping's folder, where the mapping's relative paths point.
        let morph_out: PathBuf = dir.path().join(format!("{name}.morph.nq"));
        let config = dir.path().join(format!("{name}.ini"));
        std::fs::write(
            &config,
            format!(
                "[CONFIGURATION]\noutput_file={}\noutput_format=N-QUADS\nlogging_level=WARNING\n\n[DataSource]\nmappings={}\n",
                morph_out.display(),
                mapping.display()
            ),
        )
        .expect("config");
        let morph = Command::new(morph_python())
            .args(["-m", "morph_kgc"])
            .arg(&config)
            .current_dir(mapping.parent().expect("folder"))
            .output()
            .expect("run Morph-KGC");
        assert!(
            morph.status.success(),
            "Morph-KGC failed on {name}:\n{}",
            String::from_utf8_lossy(&morph.stderr)
        );
        let compare = Command::new(python())
            .arg(root().join("tests/interop/morph_compare.py"))
            .args([BASE.as_ref(), jiyi_out.as_os_str(), morph_out.as_os_str()])
            .output()
            .expect("run the comparison");
        let report = String::from_utf8_lossy(&compare.stdout);
        println!("{name}: {report}");
        assert!(
            compare.status.success(),
            "{name}: Jiyi and Morph-KGC disagree:\n{report}\n{}",
            String::from_utf8_lossy(&compare.stderr)
        );
        compared += 1;
    }
    assert!(compared >= 2, "the demo mappings were compared");
}
