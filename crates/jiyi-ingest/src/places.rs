//! Place names → GeoNames, for the fifth star: a record that names a Taiwan place in Chinese
//! (`淡水`, `臺南`, `基隆市`) gets a link to the GeoNames feature, matched by name against an
//! extract of GeoNames (`data/geonames-tw.tsv`, made by `scripts/extract-geonames-tw.py`,
//! CC BY 4.0, attribution in the file), embedded so the binary needs nothing at run time.
//!
//! Matching is by name only, so it is deliberately strict: a name links when, after folding
//! 臺 to 台 (both are in use; GeoNames has one or the other) and trimming, it equals one of a
//! place's Han-character names, or does so once an administrative suffix (市 區 区 縣 县 鎮 镇 鄉
//! 乡) is removed from both. A name that matches two places links to neither: a wrong link is
//! worse than none. No match is not an error; the record keeps its place name.
//!
//! The RML function `jiyi:geonamesPlace` (parameter `jiyi:placeName`) returns the GeoNames
//! IRI `https://sws.geonames.org/{id}/` as a string, to be used with `rml:termType rml:IRI`.

use jiyi_rml::{FunctionDefinition, FunctionRegistry};
use oxrdf::Literal;
use std::collections::HashMap;
use std::sync::OnceLock;

/// `jiyi:geonamesPlace`.
pub const GEONAMES_PLACE: &str = "https://w3id.org/jiyi/ns#geonamesPlace";
/// Parameter: the place name as written.
pub const PLACE_NAME: &str = "https://w3id.org/jiyi/ns#placeName";

const TABLE: &str = include_str!("../data/geonames-tw.tsv");

/// Administrative suffixes dropped when the full name does not match.
const SUFFIXES: &[char] = &['市', '區', '区', '縣', '县', '鎮', '镇', '鄉', '乡'];

/// What a name matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceMatch {
    /// Exactly one place: its GeoNames id.
    One(u32),
    /// Several places share the name; none is linked.
    Ambiguous,
    /// No place has the name.
    None,
}

/// Name (folded) → GeoNames ids, built once from the embedded table.
fn index() -> &'static HashMap<String, Vec<u32>> {
    static INDEX: OnceLock<HashMap<String, Vec<u32>>> = OnceLock::new();
    INDEX.get_or_init(|| build_index(TABLE))
}

/// Name (folded, and folded without its suffix) → ids, from a table in the extract's format.
fn build_index(table: &str) -> HashMap<String, Vec<u32>> {
    let mut index: HashMap<String, Vec<u32>> = HashMap::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut fields = line.split('\t');
        let (Some(id), Some(_english), Some(names)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(id) = id.parse::<u32>() else { continue };
        for name in names.split('|') {
            for key in [fold(name), fold(strip_suffix(name))] {
                let ids = index.entry(key).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    index
}

fn fold(name: &str) -> String {
    name.trim().replace('臺', "台")
}

/// The name without one trailing administrative suffix, unless that would leave one character
/// (`新市` stays `新市`).
fn strip_suffix(name: &str) -> &str {
    let name = name.trim();
    match name.strip_suffix(SUFFIXES) {
        Some(stem) if stem.chars().count() >= 2 => stem,
        _ => name,
    }
}

/// Finds the Taiwan place a Chinese place name means.
pub fn match_place(name: &str) -> PlaceMatch {
    match_in(index(), name)
}

fn match_in(index: &HashMap<String, Vec<u32>>, name: &str) -> PlaceMatch {
    let lookup = |key: String| index.get(&key).map(Vec::as_slice);
    let ids = lookup(fold(name)).or_else(|| lookup(fold(strip_suffix(name))));
    match ids {
        Some([one]) => PlaceMatch::One(*one),
        Some([]) | None => PlaceMatch::None,
        Some(_) => PlaceMatch::Ambiguous,
    }
}

/// Adds `jiyi:geonamesPlace` to `registry`.
pub fn register(registry: &mut FunctionRegistry) {
    registry.register(
        FunctionDefinition::new(GEONAMES_PLACE)
            .parameter([PLACE_NAME])
            .implementation(|args| {
                let name = args.required_str(0)?;
                Ok(match match_place(name) {
                    PlaceMatch::One(id) => vec![Literal::new_simple_literal(format!(
                        "https://sws.geonames.org/{id}/"
                    ))],
                    PlaceMatch::Ambiguous | PlaceMatch::None => Vec::new(),
                })
            }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected ids are read from the shared GeoNames file itself, not written here.
    fn id_of(english: &str) -> u32 {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/geonames/cities1000_TW.json");
        let text = std::fs::read_to_string(&path).expect("../shared/data/geonames");
        let places: serde_json::Value = serde_json::from_str(&text).expect("json");
        let found: Vec<u32> = places
            .as_object()
            .expect("object")
            .values()
            .filter(|p| p["name"] == english)
            .map(|p| u32::try_from(p["geonameid"].as_u64().expect("id")).expect("u32"))
            .collect();
        assert_eq!(found.len(), 1, "{english} is one place in GeoNames");
        found[0]
    }

    #[test]
    fn chinese_names_match_with_either_tai_and_with_or_without_suffix() {
        assert_eq!(match_place("淡水"), PlaceMatch::One(id_of("Danshui")));
        assert_eq!(match_place("臺南"), PlaceMatch::One(id_of("Tainan")));
        assert_eq!(match_place("台南"), PlaceMatch::One(id_of("Tainan")));
        assert_eq!(match_place(" 基隆市 "), PlaceMatch::One(id_of("Keelung")));
        assert_eq!(match_place("臺北"), PlaceMatch::One(id_of("Taipei")));
    }

    #[test]
    fn unknown_names_do_not_link() {
        assert_eq!(match_place("噶瑪蘭廳"), PlaceMatch::None);
        assert_eq!(match_place(""), PlaceMatch::None);
        assert_eq!(match_place("市"), PlaceMatch::None);
    }

    #[test]
    fn a_name_shared_by_two_places_links_to_neither() {
        let table = "1\tXinshi\t新市|新市區\n2\tXinshi Village\t新市村\n3\tZhongshan\t中山區\n4\tZhongshan Town\t中山鎮\n";
        let index = build_index(table);
        assert_eq!(
            match_in(&index, "中山"),
            PlaceMatch::Ambiguous,
            "區 and 鎮 both strip to 中山"
        );
        assert_eq!(match_in(&index, "中山區"), PlaceMatch::One(3));
        assert_eq!(
            match_in(&index, "新市"),
            PlaceMatch::One(1),
            "a one-character stem is not stripped"
        );
        // Every ambiguous name of the real extract stays unlinked too.
        for (name, ids) in index_of_extract() {
            if ids.len() > 1 {
                assert_eq!(match_place(&name), PlaceMatch::Ambiguous, "{name}: {ids:?}");
            }
        }
    }

    fn index_of_extract() -> HashMap<String, Vec<u32>> {
        index().clone()
    }
}
