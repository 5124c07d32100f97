//! Readable names for the vocabulary terms pages show: properties (`crm:P45_consists_of` →
//! "made of" / "材質"), classes, and the Getty AAT types Linked Art uses.
//!
//! The store holds labels for Jiyi's own things, not for CIDOC-CRM, RiC-O, schema.org or AAT,
//! whose ontologies are not loaded (and mostly have no Chinese labels). So the common terms of
//! the profiles Jiyi publishes are named in a table here; Jiyi's own terms take their labels
//! from `ontologies/jiyi.ttl`, embedded at build time, so the vocabulary file stays the one
//! place they are written. A term in neither shows as a compact IRI (`rico:foo`).

use crate::html::Lang;
use jiyi_model::vocab::{CRM, DCAT, DCTERMS, LA, PROV, RDF, RDFS, RICO, SKOS, VOID};
use std::collections::HashMap;
use std::sync::LazyLock;

const AAT: &str = "http://vocab.getty.edu/aat/";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const DIG: &str = "http://www.ics.forth.gr/isl/CRMdig/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const QB: &str = "http://purl.org/linked-data/cube#";
const SDMX_DIMENSION: &str = "http://purl.org/linked-data/sdmx/2009/dimension#";
const SDMX_ATTRIBUTE: &str = "http://purl.org/linked-data/sdmx/2009/attribute#";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
/// schema.org is used with both schemes (the demo mappings say https, Tate's http).
const SCHEMA_NAMESPACES: [&str; 2] = ["https://schema.org/", "http://schema.org/"];

/// `(namespace, local name, English, Traditional Chinese)`.
const TABLE: &[(&str, &str, &str, &str)] = &[
    // RDF, RDFS, OWL
    (RDF, "type", "type", "類別"),
    (RDFS, "label", "label", "標籤"),
    (RDFS, "comment", "comment", "說明"),
    (RDFS, "seeAlso", "see also", "參見"),
    (OWL, "sameAs", "same as", "等同於"),
    // CIDOC-CRM as Linked Art names its properties
    (CRM, "P1_is_identified_by", "identified by", "識別名稱"),
    (CRM, "P2_has_type", "classified as", "類型"),
    (CRM, "P3_has_note", "note", "附註"),
    (CRM, "P4_has_time-span", "timespan", "時間範圍"),
    (CRM, "P7_took_place_at", "took place at", "地點"),
    (CRM, "P10_falls_within", "during", "時期"),
    (CRM, "P14_carried_out_by", "carried out by", "執行者"),
    (CRM, "P15_was_influenced_by", "influenced by", "受影響於"),
    (CRM, "P43_has_dimension", "dimension", "尺寸"),
    (CRM, "P45_consists_of", "made of", "材質"),
    (CRM, "P46_is_composed_of", "has part", "組成部分"),
    (CRM, "P46i_forms_part_of", "part of", "隸屬於"),
    (CRM, "P50_has_current_keeper", "current keeper", "現藏單位"),
    (CRM, "P52_has_current_owner", "current owner", "現所有者"),
    (
        CRM,
        "P55_has_current_location",
        "current location",
        "現存地點",
    ),
    (CRM, "P62_depicts", "depicts", "描繪"),
    (CRM, "P65_shows_visual_item", "shows", "呈現"),
    (CRM, "P67i_is_referred_to_by", "referred to by", "相關文字"),
    (CRM, "P72_has_language", "language", "語言"),
    (
        CRM,
        "P82a_begin_of_the_begin",
        "begin of the begin",
        "最早起始",
    ),
    (CRM, "P82b_end_of_the_end", "end of the end", "最晚結束"),
    (CRM, "P90_has_value", "value", "數值"),
    (CRM, "P91_has_unit", "unit", "單位"),
    (CRM, "P98i_was_born", "born", "出生"),
    (CRM, "P100i_died_in", "died", "逝世"),
    (CRM, "P102_has_title", "title", "標題"),
    (CRM, "P108i_was_produced_by", "produced by", "製作"),
    (CRM, "P129_is_about", "about", "主題"),
    (CRM, "P129i_is_subject_of", "subject of", "相關資源"),
    (CRM, "P138i_has_representation", "representation", "圖像"),
    (CRM, "P190_has_symbolic_content", "content", "內容"),
    (CRM, "E4_Period", "period", "時期"),
    (CRM, "E12_Production", "production", "製作"),
    (CRM, "E21_Person", "person", "人物"),
    (
        CRM,
        "E22_Human-Made_Object",
        "human-made object",
        "人造物件",
    ),
    (CRM, "E33_E41_Linguistic_Appellation", "name", "名稱"),
    (CRM, "E33_Linguistic_Object", "linguistic object", "文字"),
    (CRM, "E36_Visual_Item", "visual item", "視覺內容"),
    (CRM, "E39_Actor", "actor", "行動者"),
    (CRM, "E42_Identifier", "identifier", "識別碼"),
    (CRM, "E52_Time-Span", "time-span", "時間範圍"),
    (CRM, "E53_Place", "place", "地點"),
    (CRM, "E54_Dimension", "dimension", "尺寸"),
    (CRM, "E55_Type", "type", "類型"),
    (CRM, "E57_Material", "material", "材質"),
    (CRM, "E67_Birth", "birth", "出生"),
    (CRM, "E69_Death", "death", "逝世"),
    (CRM, "E74_Group", "group", "團體"),
    (DIG, "D1_Digital_Object", "digital object", "數位物件"),
    // Linked Art's own terms
    (LA, "digitally_shown_by", "digitally shown by", "數位呈現"),
    (
        LA,
        "digitally_carried_by",
        "digitally carried by",
        "數位載體",
    ),
    (LA, "access_point", "access point", "存取位址"),
    (LA, "member_of", "member of", "所屬"),
    (LA, "DigitalObject", "digital object", "數位物件"),
    // RiC-O
    (RICO, "title", "title", "題名"),
    (RICO, "scopeAndContent", "scope and content", "事由"),
    (RICO, "identifier", "identifier", "編號"),
    (RICO, "hasOrHadIdentifier", "identifier", "識別號"),
    (RICO, "hasCreator", "creator", "創建者"),
    (RICO, "hasCreationDate", "creation date", "產生日期"),
    (RICO, "hasRecordState", "record state", "版本"),
    (RICO, "hasOrHadSubject", "subject", "主題"),
    (RICO, "isOrWasIncludedIn", "included in", "所屬"),
    (RICO, "includesOrIncluded", "includes", "包含"),
    (RICO, "hasRecordSetType", "record set type", "檔案集類型"),
    (
        RICO,
        "hasDocumentaryFormType",
        "documentary form",
        "文書類型",
    ),
    (RICO, "expressedDate", "date as written", "原始日期"),
    (RICO, "normalizedDateValue", "normalised date", "標準化日期"),
    (RICO, "textualValue", "text", "文字"),
    (RICO, "name", "name", "名稱"),
    (RICO, "date", "date", "日期"),
    (RICO, "occupiesOrOccupied", "position", "職位"),
    (
        RICO,
        "recordResourceOrInstantiationIsSourceOfCreationRelation",
        "creation relation",
        "創建關係",
    ),
    (RICO, "creationRelationHasSource", "source", "來源"),
    (RICO, "creationRelationHasTarget", "target", "對象"),
    (RICO, "creationWithRole", "role", "角色"),
    (RICO, "Record", "record", "檔案"),
    (RICO, "RecordSet", "record set", "檔案集"),
    (RICO, "Person", "person", "人物"),
    (RICO, "Position", "position", "職位"),
    (RICO, "Identifier", "identifier", "識別號"),
    (RICO, "Date", "date", "日期"),
    (RICO, "RecordState", "record state", "版本"),
    (RICO, "Place", "place", "地點"),
    (RICO, "CreationRelation", "creation relation", "創建關係"),
    (RICO, "RoleType", "role type", "角色類型"),
    // Dublin Core
    (DCTERMS, "title", "title", "標題"),
    (DCTERMS, "description", "description", "描述"),
    (DCTERMS, "identifier", "identifier", "識別碼"),
    (DCTERMS, "date", "date", "日期"),
    (DCTERMS, "creator", "creator", "創作者"),
    (DCTERMS, "subject", "subject", "主題"),
    (DCTERMS, "license", "licence", "授權"),
    (DCTERMS, "rightsHolder", "rights holder", "權利人"),
    (DCTERMS, "publisher", "publisher", "發布者"),
    (DCTERMS, "language", "language", "語言"),
    (DCTERMS, "conformsTo", "conforms to", "遵循標準"),
    (DCTERMS, "issued", "issued", "發布日期"),
    (DCTERMS, "modified", "modified", "更新時間"),
    (
        DCTERMS,
        "accrualPeriodicity",
        "update frequency",
        "更新頻率",
    ),
    (DCTERMS, "accessRights", "access rights", "取用權限"),
    (DCTERMS, "isPartOf", "part of", "隸屬於"),
    (DCTERMS, "hasPart", "has part", "包含"),
    (DCTERMS, "source", "source", "來源"),
    (DCTERMS, "format", "format", "格式"),
    (DCTERMS, "temporal", "temporal coverage", "時間範圍"),
    (DCTERMS, "spatial", "spatial coverage", "空間範圍"),
    (
        DCTERMS,
        "bibliographicCitation",
        "bibliographic citation",
        "引用方式",
    ),
    (DCTERMS, "PeriodOfTime", "period of time", "時間區間"),
    (DC, "format", "format", "格式"),
    // DCAT
    (DCAT, "Catalog", "catalogue", "資料目錄"),
    (DCAT, "Dataset", "dataset", "資料集"),
    (DCAT, "Distribution", "distribution", "資料提供方式"),
    (DCAT, "DataService", "data service", "資料服務"),
    (DCAT, "dataset", "dataset", "資料集"),
    (DCAT, "distribution", "distribution", "資料提供方式"),
    (DCAT, "service", "service", "服務"),
    (DCAT, "servesDataset", "serves dataset", "提供資料集"),
    (DCAT, "endpointURL", "endpoint", "服務端點"),
    (DCAT, "accessURL", "access URL", "存取網址"),
    (DCAT, "downloadURL", "download URL", "下載網址"),
    (DCAT, "contactPoint", "contact point", "聯絡資訊"),
    (DCAT, "keyword", "keyword", "關鍵字"),
    (DCAT, "landingPage", "landing page", "網頁"),
    (DCAT, "mediaType", "media type", "媒體類型"),
    (DCAT, "theme", "theme", "主題"),
    (DCAT, "startDate", "start date", "開始日期"),
    (DCAT, "endDate", "end date", "結束日期"),
    (DCAT, "byteSize", "size in bytes", "檔案大小（位元組）"),
    // SKOS
    (SKOS, "Concept", "concept", "概念"),
    (SKOS, "ConceptScheme", "concept scheme", "概念架構"),
    (SKOS, "prefLabel", "preferred label", "名稱"),
    (SKOS, "altLabel", "alternative label", "別名"),
    (SKOS, "definition", "definition", "定義"),
    (SKOS, "scopeNote", "scope note", "範圍註"),
    (SKOS, "notation", "notation", "代碼"),
    (SKOS, "broader", "broader", "上位概念"),
    (SKOS, "narrower", "narrower", "下位概念"),
    (SKOS, "inScheme", "in scheme", "所屬架構"),
    (SKOS, "hasTopConcept", "top concept", "頂層概念"),
    (SKOS, "topConceptOf", "top concept of", "頂層概念所屬"),
    (SKOS, "exactMatch", "exact match", "完全對應"),
    (SKOS, "closeMatch", "close match", "近似對應"),
    // RDF Data Cube
    (QB, "DataSet", "data set", "統計資料集"),
    (QB, "Observation", "observation", "觀測值"),
    (QB, "DataStructureDefinition", "data structure", "資料結構"),
    (QB, "ComponentSpecification", "component", "結構元件"),
    (QB, "DimensionProperty", "dimension", "維度"),
    (QB, "MeasureProperty", "measure", "量測值"),
    (QB, "AttributeProperty", "attribute", "屬性"),
    (QB, "dataSet", "data set", "所屬統計資料集"),
    (QB, "structure", "structure", "結構"),
    (QB, "component", "component", "元件"),
    (QB, "dimension", "dimension", "維度"),
    (QB, "measure", "measure", "量測值"),
    (QB, "attribute", "attribute", "屬性"),
    (QB, "codeList", "code list", "代碼表"),
    (QB, "order", "order", "順序"),
    (QB, "componentAttachment", "attached to", "附加於"),
    (QB, "componentRequired", "required", "必要"),
    (SDMX_DIMENSION, "refPeriod", "reference period", "參考期間"),
    (SDMX_ATTRIBUTE, "unitMeasure", "unit of measure", "單位"),
    // FOAF, vCard, PROV, VoID
    (FOAF, "name", "name", "名稱"),
    (FOAF, "Agent", "agent", "代理者"),
    (FOAF, "Person", "person", "人物"),
    (FOAF, "Document", "document", "文件"),
    (FOAF, "primaryTopic", "primary topic", "主題"),
    (FOAF, "depiction", "depiction", "圖像"),
    (FOAF, "img", "image", "圖像"),
    (FOAF, "homepage", "home page", "首頁"),
    (FOAF, "page", "page", "網頁"),
    (FOAF, "mbox", "e-mail", "電子郵件"),
    (FOAF, "phone", "telephone", "電話"),
    (VCARD, "Kind", "contact", "聯絡資訊"),
    (VCARD, "fn", "name", "名稱"),
    (VCARD, "organization-name", "organisation", "機關名稱"),
    (VCARD, "hasURL", "web address", "網址"),
    (VCARD, "hasEmail", "e-mail", "電子郵件"),
    (PROV, "Activity", "activity", "作業"),
    (PROV, "wasGeneratedBy", "generated by", "產生自"),
    (PROV, "startedAtTime", "started", "開始時間"),
    (PROV, "endedAtTime", "ended", "結束時間"),
    (PROV, "used", "used", "使用"),
    (VOID, "Dataset", "dataset", "資料集"),
    (
        VOID,
        "DatasetDescription",
        "dataset description",
        "資料集描述",
    ),
    (VOID, "Linkset", "linkset", "連結集"),
    (VOID, "subset", "subset", "子集"),
    (VOID, "triples", "triples", "三元組數"),
    (VOID, "entities", "entities", "資源數"),
    (VOID, "classes", "classes", "類別數"),
    (VOID, "properties", "properties", "屬性數"),
    (VOID, "distinctSubjects", "distinct subjects", "相異主詞數"),
    (VOID, "inDataset", "in dataset", "所屬資料集"),
    (VOID, "sparqlEndpoint", "SPARQL endpoint", "SPARQL 端點"),
    (VOID, "dataDump", "data dump", "資料傾印檔"),
    (VOID, "exampleResource", "example", "範例資源"),
    (VOID, "vocabulary", "vocabulary", "使用詞彙"),
    (VOID, "uriSpace", "URI space", "URI 空間"),
    (VOID, "uriRegexPattern", "URI pattern", "URI 樣式"),
    (VOID, "subjectsTarget", "subjects in", "連結來源"),
    (VOID, "objectsTarget", "objects in", "連結目標"),
    (VOID, "classPartition", "class partition", "類別分區"),
    (VOID, "class", "class", "類別"),
    // Getty AAT types that Linked Art prescribes and the mappings use
    (AAT, "300404670", "primary name", "主要名稱"),
    (AAT, "300264273", "alternate name", "別名"),
    (AAT, "300451544", "sort name", "排序名稱"),
    (AAT, "300312355", "accession number", "登錄號"),
    (AAT, "300435704", "system number", "系統編號"),
    (AAT, "300435416", "description", "說明"),
    (AAT, "300435429", "materials statement", "材質說明"),
    (AAT, "300435430", "dimensions statement", "尺寸說明"),
    (AAT, "300026687", "credit line", "來源說明"),
    (AAT, "300435414", "inscription", "款識"),
    (AAT, "300435436", "production statement", "製作說明"),
    (AAT, "300435434", "copyright statement", "版權聲明"),
    (AAT, "300133025", "artwork", "藝術作品"),
    (AAT, "300435443", "type of work", "作品類型"),
    (AAT, "300055644", "height", "高"),
    (AAT, "300055647", "width", "寬"),
    (AAT, "300072633", "depth", "深"),
    (AAT, "300379097", "millimetres", "公釐"),
    (AAT, "300379098", "centimetres", "公分"),
    (AAT, "300215302", "digital image", "數位影像"),
    (AAT, "300264578", "web page", "網頁"),
    (AAT, "300189559", "male", "男性"),
    (AAT, "300189557", "female", "女性"),
    (AAT, "300033618", "painting", "繪畫"),
    (AAT, "300047090", "sculpture", "雕塑"),
    (AAT, "300041273", "print", "版畫"),
];

/// schema.org terms, written once for both of its namespaces.
const SCHEMA_TABLE: &[(&str, &str, &str)] = &[
    ("name", "name", "名稱"),
    ("description", "description", "描述"),
    ("identifier", "identifier", "識別碼"),
    ("creator", "creator", "創作者"),
    ("image", "image", "圖像"),
    ("url", "web page", "網頁"),
    ("dateCreated", "date created", "創作日期"),
    ("text", "text", "內文"),
    ("sender", "sender", "寄件者"),
    ("dateReceived", "date received", "收件日期"),
    ("interactionStatistic", "interaction statistic", "互動統計"),
    ("interactionType", "interaction type", "互動類型"),
    ("userInteractionCount", "interactions", "互動次數"),
    ("isAccessibleForFree", "free of charge", "免費取用"),
    ("variableMeasured", "variable measured", "量測變項"),
    ("CreativeWork", "creative work", "創作"),
    ("VisualArtwork", "visual artwork", "視覺藝術作品"),
    ("Message", "message", "訊息"),
    ("InteractionCounter", "interaction counter", "互動統計"),
];

/// Names of terms by IRI: `(English, Traditional Chinese)`.
static NAMES: LazyLock<HashMap<String, (String, String)>> = LazyLock::new(|| {
    let mut names: HashMap<String, (String, String)> = TABLE
        .iter()
        .map(|(ns, local, en, zh)| (format!("{ns}{local}"), ((*en).into(), (*zh).into())))
        .collect();
    for ns in SCHEMA_NAMESPACES {
        for (local, en, zh) in SCHEMA_TABLE {
            names.insert(format!("{ns}{local}"), ((*en).into(), (*zh).into()));
        }
    }
    for (iri, en, zh) in jiyi_vocabulary_labels() {
        names.insert(iri, (en, zh));
    }
    names
});

/// The name of a vocabulary term in the page language, if it is one Jiyi knows.
pub fn term_name(iri: &str, lang: Lang) -> Option<&'static str> {
    let (en, zh) = NAMES.get(iri)?;
    Some(match lang {
        Lang::En => en.as_str(),
        Lang::ZhHant => zh.as_str(),
    })
}

/// `rdfs:label`s of the terms of `ontologies/jiyi.ttl` that have both an English and a
/// Traditional Chinese label. The file is part of the build; if it ever fails to parse, the
/// terms show as compact IRIs and the unit test below fails.
fn jiyi_vocabulary_labels() -> Vec<(String, String, String)> {
    let text = include_str!("../../../ontologies/jiyi.ttl");
    let label = format!("{RDFS}label");
    let mut found: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
    let parser = oxrdfio::RdfParser::from_format(oxrdfio::RdfFormat::Turtle);
    for quad in parser.for_slice(text.as_bytes()) {
        let Ok(quad) = quad else {
            tracing::error!("ontologies/jiyi.ttl does not parse; Jiyi's terms lose their names");
            return Vec::new();
        };
        let (oxrdf::NamedOrBlankNode::NamedNode(subject), oxrdf::Term::Literal(value)) =
            (&quad.subject, &quad.object)
        else {
            continue;
        };
        if quad.predicate.as_str() != label {
            continue;
        }
        let entry = found.entry(subject.as_str().to_owned()).or_default();
        match value.language() {
            Some("en") => entry.0 = Some(value.value().to_owned()),
            Some(tag) if tag.eq_ignore_ascii_case("zh-Hant") => {
                entry.1 = Some(value.value().to_owned());
            }
            _ => {}
        }
    }
    found
        .into_iter()
        .filter_map(|(iri, (en, zh))| Some((iri, en?, zh?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_terms_and_jiyi_terms_have_names_in_both_languages() {
        assert_eq!(
            term_name(
                "http://www.cidoc-crm.org/cidoc-crm/P45_consists_of",
                Lang::En
            ),
            Some("made of")
        );
        assert_eq!(
            term_name(
                "https://www.ica.org/standards/RiC/ontology#scopeAndContent",
                Lang::ZhHant
            ),
            Some("事由")
        );
        assert_eq!(
            term_name("http://schema.org/image", Lang::En),
            term_name("https://schema.org/image", Lang::En)
        );
        // from ontologies/jiyi.ttl
        assert_eq!(
            term_name("https://w3id.org/jiyi/ns#accessClass", Lang::ZhHant),
            Some("開放類別")
        );
        assert_eq!(
            term_name("https://w3id.org/jiyi/ns#Open", Lang::En),
            Some("class A: open")
        );
        assert_eq!(term_name("http://example.org/unknown", Lang::En), None);
    }

    #[test]
    fn the_table_names_each_term_once() {
        let mut seen = std::collections::HashSet::new();
        for (ns, local, _, _) in TABLE {
            assert!(seen.insert(format!("{ns}{local}")), "{ns}{local} twice");
        }
    }
}
