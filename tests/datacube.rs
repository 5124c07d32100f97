//! The Data Cube statistics end to end: `jiyi ingest` of data/mappings/visitor-stats.rml.ttl and
//! licensing-stats.rml.ttl into a real store, then SPARQL over that store must give the counts
//! and sums computed here from the CSV files (per cube and site, per year), the Data Cube
//! integrity constraint SHACL cannot state (IC-12, no duplicate observations) must hold, and
//! pyshacl must find the served graphs conform to ontologies/shapes/datacube.ttl (and reject
//! broken copies: tests/interop/shacl_datacube.py).

mod support;

use jiyi_store::model::Term;
use jiyi_store::{Query, QueryAnswer, QueryRequest, Store};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use support::*;

const BASE: &str = "https://data.example.tw/";

/// Rows of a demo CSV as maps from column to cell.
fn rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(data().join(file)).expect("csv");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn cell<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
    row.get(column)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("column {column}"))
}

fn number(row: &BTreeMap<String, String>, column: &str) -> u64 {
    cell(row, column)
        .parse()
        .unwrap_or_else(|e| panic!("{column}: {e}"))
}

/// A SELECT over the store's published graphs: each solution as strings (literal values
/// without datatype, IRIs as they are), by variable.
fn select(store: &Store, query: &str) -> Vec<BTreeMap<String, String>> {
    let query = Query::parse(query, Some(BASE)).expect("query parses");
    let QueryAnswer::Solutions(solutions) = store.query(&QueryRequest::new(&query)).expect("query")
    else {
        panic!("not a SELECT");
    };
    solutions
        .map(|s| {
            let s = s.expect("solution");
            s.iter()
                .map(|(v, t)| {
                    let text = match t {
                        Term::Literal(l) => l.value().to_owned(),
                        Term::NamedNode(n) => n.as_str().to_owned(),
                        other => other.to_string(),
                    };
                    (v.as_str().to_owned(), text)
                })
                .collect()
        })
        .collect()
}

fn ingest_cubes(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("store");
    for name in ["visitor-stats", "licensing-stats"] {
        let mapping = data().join(format!("mappings/{name}.rml.ttl"));
        let rejects = dir.join(format!("{name}.rejects.jsonl"));
        let summary = ingest(&mapping, &store, BASE, &rejects);
        assert!(summary.contains(" 0 rejected"), "{summary}");
        assert!(!rejects.exists(), "no rejects for the demo data");
    }
    store
}

#[test]
fn sparql_sums_over_the_store_equal_the_csv_sums_and_pyshacl_finds_the_cubes_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store_path = ingest_cubes(dir.path());
    {
        let store = Store::open(&store_path).expect("open store");

        // Visitors: per cube and site, the number of observations and the sum of the counts.
        let mut expected: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
        for (cube, file) in [
            ("visitor-stats-daily", "visitor-stats-daily.csv"),
            ("visitor-stats-monthly", "visitor-stats-monthly.csv"),
        ] {
            for row in rows(file) {
                let entry = expected
                    .entry((cube.to_owned(), cell(&row, "館區代碼").to_owned()))
                    .or_default();
                entry.0 += 1;
                entry.1 += number(&row, "參觀人次");
            }
        }
        let found: BTreeMap<(String, String), (u64, u64)> = select(
            &store,
            "PREFIX qb: <http://purl.org/linked-data/cube#>
             PREFIX jiyi: <https://w3id.org/jiyi/ns#>
             SELECT ?cube ?site (COUNT(?o) AS ?n) (SUM(?v) AS ?sum) WHERE {
               ?o a qb:Observation ; qb:dataSet ?cube ; jiyi:site ?site ; jiyi:visitors ?v .
             } GROUP BY ?cube ?site",
        )
        .into_iter()
        .map(|s| {
            let key = (
                s["cube"]
                    .trim_start_matches(&format!("{BASE}id/cube/"))
                    .to_owned(),
                s["site"]
                    .trim_start_matches(&format!("{BASE}id/concept/site/"))
                    .to_owned(),
            );
            (
                key,
                (s["n"].parse().expect("n"), s["sum"].parse().expect("sum")),
            )
        })
        .collect();
        assert_eq!(found, expected);
        assert_eq!(expected.len(), 8, "4 sites × 2 cubes");

        // Licensing: per year, licences and royalties.
        let mut per_year: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for row in rows("licensing-stats.csv") {
            let entry = per_year.entry(cell(&row, "年").to_owned()).or_default();
            entry.0 += 1;
            entry.1 += number(&row, "授權件數");
            entry.2 += number(&row, "權利金");
        }
        let found: BTreeMap<String, (u64, u64, u64)> = select(
            &store,
            "PREFIX qb: <http://purl.org/linked-data/cube#>
             PREFIX jiyi: <https://w3id.org/jiyi/ns#>
             PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
             SELECT ?year (COUNT(?o) AS ?n) (SUM(?licences) AS ?l) (SUM(?royalties) AS ?r) WHERE {
               ?o qb:dataSet <id/cube/licensing-stats> ; sdmx-dimension:refPeriod ?period ;
                  jiyi:licencesGranted ?licences ; jiyi:royalties ?royalties .
               BIND(SUBSTR(STRAFTER(STR(?period), \"/id/month/\"), 1, 4) AS ?year)
             } GROUP BY ?year",
        )
        .into_iter()
        .map(|s| {
            (
                s["year"].clone(),
                (
                    s["n"].parse().expect("n"),
                    s["l"].parse().expect("licences"),
                    s["r"].parse().expect("royalties"),
                ),
            )
        })
        .collect();
        assert_eq!(found, per_year);
        assert_eq!(per_year.len(), 2, "2023 and 2024");

        // Notes: one per CSV row with a 備註, language-tagged.
        let notes: u64 = [
            "visitor-stats-daily.csv",
            "visitor-stats-monthly.csv",
            "licensing-stats.csv",
        ]
        .iter()
        .flat_map(|f| rows(f))
        .filter(|r| !cell(r, "備註").is_empty())
        .count() as u64;
        let found = select(
            &store,
            "PREFIX jiyi: <https://w3id.org/jiyi/ns#>
             SELECT (COUNT(?note) AS ?n) WHERE { ?o jiyi:observationNote ?note FILTER(LANGMATCHES(LANG(?note), \"zh-Hant\")) }",
        );
        assert_eq!(found[0]["n"], notes.to_string());
        assert!(notes > 0);

        // Across the two cubes: the demo's March monthly figures are the sums of its March
        // daily figures (data/README.md), and a query over the store can show it.
        let march = select(
            &store,
            "PREFIX qb: <http://purl.org/linked-data/cube#>
             PREFIX jiyi: <https://w3id.org/jiyi/ns#>
             PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
             SELECT ?site ?monthly (SUM(?daily) AS ?days) WHERE {
               ?m qb:dataSet <id/cube/visitor-stats-monthly> ; jiyi:site ?site ; jiyi:visitors ?monthly ;
                  sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/month/2024-03> .
               ?d qb:dataSet <id/cube/visitor-stats-daily> ; jiyi:site ?site ; jiyi:visitors ?daily ;
                  sdmx-dimension:refPeriod ?day .
               FILTER(STRSTARTS(STR(?day), \"http://reference.data.gov.uk/id/day/2024-03-\"))
             } GROUP BY ?site ?monthly",
        );
        assert_eq!(march.len(), 4, "{march:?}");
        for row in &march {
            assert_eq!(row["monthly"], row["days"], "{row:?}");
        }

        // IC-12: no two observations of a data set share all their dimension values.
        let duplicates = select(
            &store,
            "PREFIX qb: <http://purl.org/linked-data/cube#>
             PREFIX jiyi: <https://w3id.org/jiyi/ns#>
             PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
             SELECT ?a ?b WHERE {
               ?a qb:dataSet ?d ; sdmx-dimension:refPeriod ?p . ?b qb:dataSet ?d ; sdmx-dimension:refPeriod ?p .
               FILTER(STR(?a) < STR(?b))
               OPTIONAL { ?a jiyi:site ?sa } OPTIONAL { ?b jiyi:site ?sb }
               FILTER(!BOUND(?sa) && !BOUND(?sb) || ?sa = ?sb)
             }",
        );
        assert!(duplicates.is_empty(), "IC-12 duplicates: {duplicates:?}");
    }

    let server = Server::start(&store_path, &[]);
    let out = Command::new(python())
        .arg(root().join("tests/interop/shacl_datacube.py"))
        .args([
            server.url.as_str(),
            BASE,
            root()
                .join("ontologies/shapes/datacube.ttl")
                .to_str()
                .expect("utf-8"),
        ])
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "pyshacl check failed:\n{stdout}");
    assert!(stdout.contains("conforms=True"), "{stdout}");
    assert!(stdout.contains("9 of 9 broken copies rejected"), "{stdout}");
}
