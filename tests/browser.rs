//! Pages as a person's browser shows them: the demo data ingested by `jiyi ingest`, served by
//! `jiyi serve` on a real socket, opened in headless Chromium (Debian's `chromium`, installed
//! by scripts/install-deps). For an NPM object and a Qing archive record in Traditional
//! Chinese (chosen by the browser's Accept-Language) and an object in English (the page's
//! language switch), Chromium renders the page, the test reads the DOM it built and saves a
//! screenshot under the target directory (`screenshots/`), for people to look at.
//!
//! Titles come from the demo CSV files, not from this file.

mod support;

use jiyi_model::iri::{encode_key, iri_to_uri};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const BASE: &str = "https://data.example.tw/";

/// Headless Chromium, or a failure that says how to get it: this test must never pass by
/// not running.
fn chromium() -> PathBuf {
    if let Ok(path) = std::env::var("JIYI_CHROMIUM") {
        return PathBuf::from(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "headless Chromium is not installed: run scripts/install-deps (apt-get install chromium), \
             or point JIYI_CHROMIUM at a Chromium binary"
        )
    })
}

/// Where screenshots go: `{target}/screenshots/`, next to the build output.
fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("screenshots");
    std::fs::create_dir_all(&dir).expect("create screenshots directory");
    dir
}

/// Runs Chromium headless with `args` and a fresh profile; fails the test after 90 s.
fn run_chromium(profile: &Path, accept_language: &str, args: &[&str]) -> String {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            // Headless Chromium ignores --lang for the Accept-Language it sends; this is the
            // switch it reads.
            &format!("--accept-lang={accept_language}"),
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("chromium output");
    assert!(
        out.status.success(),
        "chromium {args:?} failed: {}",
        out.status
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first record of a demo CSV file as column → value.
fn first_row(file: &str) -> std::collections::HashMap<String, String> {
    let mut reader = csv::Reader::from_path(data().join(file)).expect("demo CSV");
    let headers = reader.headers().expect("headers").clone();
    let row = reader
        .records()
        .next()
        .expect("one record")
        .expect("valid record");
    headers
        .iter()
        .zip(row.iter())
        .map(|(h, v)| (h.to_owned(), v.to_owned()))
        .collect()
}

/// The JSON-LD block of a page, parsed.
fn json_ld(dom: &str) -> serde_json::Value {
    let open = r#"<script type="application/ld+json">"#;
    let start = dom.find(open).expect("a JSON-LD block") + open.len();
    let end = start + dom[start..].find("</script>").expect("its end");
    serde_json::from_str(&dom[start..end]).expect("the embedded JSON-LD is JSON")
}

fn names(json: &serde_json::Value) -> Vec<String> {
    let values = match &json["name"] {
        serde_json::Value::Array(a) => a.clone(),
        one => vec![one.clone()],
    };
    values
        .iter()
        .filter_map(|v| v["@value"].as_str().or_else(|| v.as_str()))
        .map(str::to_owned)
        .collect()
}

struct Page<'a> {
    name: &'a str,
    path: String,
    accept_language: &'a str,
    lang: &'a str,
    title: String,
    thing: String,
}

#[test]
fn headless_chromium_renders_object_and_record_pages_in_both_languages() {
    let browser = chromium();
    assert!(browser.is_file(), "{} is not a file", browser.display());
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    for mapping in demo_mappings() {
        // The demo's 丙 dataset answers "not loaded" by design; the others load.
        ingest(&mapping, &store, BASE, &dir.path().join("rejects.jsonl"));
    }
    let server = Server::start(&store, &[]);

    let object = first_row("npm-objects.csv");
    let record = first_row("qing-archives.csv");
    let object_path = format!("/doc/object/{}", iri_to_uri(&encode_key(&object["識別碼"])));
    let record_path = format!(
        "/doc/record/{}",
        iri_to_uri(&encode_key(&record["統一編號"]))
    );
    let pages = [
        Page {
            name: "npm-object-zh",
            path: object_path.clone(),
            accept_language: "zh-TW,zh",
            lang: "zh-Hant",
            title: object["品名"].clone(),
            thing: format!("{BASE}id/object/{}", encode_key(&object["識別碼"])),
        },
        Page {
            name: "qing-record-zh",
            path: record_path,
            accept_language: "zh-TW,zh",
            lang: "zh-Hant",
            title: record["題名"].clone(),
            thing: format!("{BASE}id/record/{}", encode_key(&record["統一編號"])),
        },
        Page {
            // The browser asks for Chinese; the page's switch to English wins.
            name: "npm-object-en",
            path: format!("{object_path}?lang=en"),
            accept_language: "zh-TW,zh",
            lang: "en",
            title: object["title_en"].clone(),
            thing: format!("{BASE}id/object/{}", encode_key(&object["識別碼"])),
        },
    ];
    let shots = screenshot_dir();
    for page in &pages {
        let url = format!("{}{}", server.url, page.path);
        let profile = dir.path().join(format!("profile-{}", page.name));
        let dom = run_chromium(&profile, page.accept_language, &["--dump-dom", &url]);
        let context = format!("{} ({url})", page.name);
        assert!(
            dom.contains(&format!("<html lang=\"{}\">", page.lang)),
            "{context}: page language\n{dom}"
        );
        assert!(
            dom.contains(&format!("<h1>{}</h1>", page.title)),
            "{context}: the title {:?} from the demo CSV is the heading\n{dom}",
            page.title
        );
        let doc_path = page.path.split('?').next().unwrap_or(&page.path);
        assert!(
            dom.contains(&format!(
                "<a href=\"{doc_path}?format=ttl\" type=\"text/turtle\">Turtle</a>"
            )),
            "{context}: a link to the Turtle representation\n{dom}"
        );
        assert!(
            dom.contains("lang=\"zh-Hant\""),
            "{context}: Chinese text is marked as such\n{dom}"
        );
        assert!(dom.contains("rel=\"license\""), "{context}: licence link");
        assert!(
            dom.contains("<a class=\"skip\" href=\"#main\">"),
            "{context}: skip link"
        );
        let json = json_ld(&dom);
        assert!(
            names(&json).contains(&page.title),
            "{context}: JSON-LD names the thing: {json}"
        );
        assert_eq!(
            json["@id"].as_str(),
            Some(page.thing.as_str()),
            "{context}: JSON-LD is about the thing"
        );

        let png = shots.join(format!("{}.png", page.name));
        let _ = std::fs::remove_file(&png);
        run_chromium(
            &profile,
            page.accept_language,
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1280,2000",
                &url,
            ],
        );
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000,
            "{}: a real screenshot ({} bytes)",
            png.display(),
            bytes.len()
        );
        println!("screenshot: {}", png.display());
    }
    // The English page says its properties in English and keeps the Chinese title marked.
    let english = run_chromium(
        &dir.path().join("profile-check"),
        "en-US,en",
        &["--dump-dom", &format!("{}{object_path}", server.url)],
    );
    assert!(english.contains("<html lang=\"en\">"), "Accept-Language en");
    assert!(
        english.contains(">made of</a>"),
        "property names in English\n{english}"
    );
    assert!(
        english.contains(&format!("lang=\"zh-Hant\">{}", object["品名"])),
        "the Chinese title inside the English page is marked zh-Hant\n{english}"
    );
}
