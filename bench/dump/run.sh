#!/usr/bin/env bash
# Peak memory of Jiyi's dumps on a generated dataset of about 1 M triples: the ingest (which
# reconciles the change log and writes both gzipped dumps), `jiyi dump` to N-Quads and Turtle,
# and, side by side on the same store, Oxigraph's own `oxigraph dump` of the same graph (PyPI
# oxigraph 0.5.13, the engine Jiyi embeds). Prints one line per step: seconds and peak RSS (MB)
# from GNU time. Usage: bench/dump/run.sh [ROWS] [--ingest-only]   (default 150000 rows ≈
# 1.05 M triples). --ingest-only measures the two ingests alone, e.g. with JIYI_BIN set to a
# build from before the change log, for a baseline.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-150000}
ONLY=${2:-}
JIYI=${JIYI_BIN:-${CARGO_TARGET_DIR:-target}/debug/jiyi}
OXIGRAPH=${OXIGRAPH:-$HOME/.cache/jiyi/bench-venv/bin/oxigraph}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$ROWS" "$work" <<'PY'
import csv, sys
rows, out = int(sys.argv[1]), sys.argv[2]
materials = ["紙本", "絹本", "青銅", "瓷", "玉", "木"]
with open(f"{out}/objects.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "title", "title_en", "year", "material", "height"])
    for i in range(rows):
        w.writerow([f"B-{i:07d}", f"物件第{i}號", f"Object number {i}", 1000 + i % 900,
                    materials[i % len(materials)], f"{10 + i % 300}.5"])
with open(f"{out}/bench.rml.ttl", "w", encoding="utf-8") as f:
    f.write('''
@prefix rml: <http://w3id.org/rml/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
<#Objects> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "objects.csv" ] ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "id/object/{id}" ; rml:class crm:E22_Human-Made_Object ] ;
  rml:predicateObjectMap
    [ rml:predicate rdfs:label ; rml:objectMap [ rml:reference "title" ; rml:language "zh-Hant" ] ] ,
    [ rml:predicate rdfs:label ; rml:objectMap [ rml:reference "title_en" ; rml:language "en" ] ] ,
    [ rml:predicate dcterms:date ; rml:objectMap [ rml:reference "year" ] ] ,
    [ rml:predicate crm:P45_consists_of ; rml:objectMap [ rml:template "id/concept/material/{material}" ] ] ,
    [ rml:predicate crm:P43_has_dimension ; rml:objectMap [ rml:template "{id}-height" ; rml:termType rml:BlankNode ] ] .
<#Heights> a rml:TriplesMap ;
  rml:logicalSource [ a rml:LogicalSource ;
    rml:source [ a rml:RelativePathSource ; rml:root rml:MappingDirectory ; rml:path "objects.csv" ] ;
    rml:referenceFormulation rml:CSV ] ;
  rml:subjectMap [ rml:template "{id}-height" ; rml:termType rml:BlankNode ] ;
  rml:predicateObjectMap [ rml:predicate crm:P90_has_value ; rml:objectMap [ rml:reference "height" ] ] .
[] a dcat:Dataset ; dcterms:identifier "bench" ; dcterms:title "Dump benchmark"@en ;
  <https://w3id.org/jiyi/ns#accessClass> <https://w3id.org/jiyi/ns#Open> ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  dcterms:rightsHolder [ <http://xmlns.com/foaf/0.1/name> "Jiyi"@en ] .
''')
PY

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb < "$work/time"
  printf '%-34s %8.1f s %8.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

measure "jiyi ingest (log + dumps)" "$JIYI" ingest --mapping "$work/bench.rml.ttl" --store "$work/store" \
  --base https://bench.example/ --rejects "$work/rejects.jsonl"
grep -E "triples in|resources|dump" "$work/out" | sed 's/^/    /'
if [ "$ONLY" = "--ingest-only" ]; then
  measure "jiyi ingest again (unchanged)" "$JIYI" ingest --mapping "$work/bench.rml.ttl" --store "$work/store" \
    --rejects "$work/rejects.jsonl"
  grep -E "triples in|unchanged" "$work/out" | sed 's/^/    /'
  exit 0
fi
# The first process to open the store after a bulk load pays for RocksDB's compaction of the
# loaded files; the later steps read a settled store.
measure "jiyi dump → .nq.gz (first open)" "$JIYI" dump --store "$work/store" --dataset bench --out "$work/a.nq.gz"
measure "jiyi dump → .nq" "$JIYI" dump --store "$work/store" --dataset bench --out "$work/a.nq"
echo "    $(wc -l < "$work/a.nq") lines in a.nq"
if [ -x "$OXIGRAPH" ]; then
  measure "oxigraph dump → .nq (peer)" "$OXIGRAPH" dump --location "$work/store" \
    --graph https://bench.example/graph/bench --file "$work/b.nq"
  echo "    $(wc -l < "$work/b.nq") lines in b.nq"
fi
measure "jiyi dump → .nq.gz" "$JIYI" dump --store "$work/store" --dataset bench --out "$work/a.nq.gz"
measure "jiyi dump → .ttl.gz" "$JIYI" dump --store "$work/store" --dataset bench --out "$work/a.ttl.gz"
measure "jiyi ingest again (unchanged)" "$JIYI" ingest --mapping "$work/bench.rml.ttl" --store "$work/store" \
  --rejects "$work/rejects.jsonl"
grep -E "unchanged" "$work/out" | sed 's/^/    /'
