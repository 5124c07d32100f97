#!/usr/bin/env python3
"""Runs SELECT, ASK, CONSTRUCT and DESCRIBE against a live Jiyi endpoint with SPARQLWrapper,
in every return format SPARQLWrapper supports for each query form, and checks the answers
against the demo data (44 objects).

Usage: sparqlwrapper_check.py ENDPOINT PUBLISHED_BASE
"""

import sys

import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

E22 = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object"
SELECT = f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a <{E22}> }}"
ASK = f"ASK {{ ?o a <{E22}> }}"
CONSTRUCT = f"CONSTRUCT {{ ?o a <{E22}> }} WHERE {{ ?o a <{E22}> }}"


def main():
    endpoint, base = sys.argv[1], sys.argv[2]
    describe = f"DESCRIBE <{base}id/object/DEMO-器物-0001>"
    failures = []
    checked = 0

    def run(query, fmt, method):
        client = SPARQLWrapper(endpoint)
        client.setQuery(query)
        client.setReturnFormat(fmt)
        client.setMethod(method)
        return client.query().convert()

    for method in ("GET", "POST"):
        for fmt in (JSON, XML, CSV, TSV):
            try:
                result = run(SELECT, fmt, method)
                if fmt == JSON:
                    n = int(result["results"]["bindings"][0]["n"]["value"])
                elif fmt == XML:
                    n = int(result.getElementsByTagName("literal")[0].firstChild.data)
                else:
                    text = result.decode("utf-8") if isinstance(result, bytes) else result
                    n = int(text.splitlines()[1].strip().split("^^")[0].strip('"'))
                if n != 44:
                    failures.append(f"SELECT {fmt} {method}: {n} objects, expected 44")
                checked += 1
            except Exception as error:  # noqa: BLE001 — every failure is a finding
                failures.append(f"SELECT {fmt} {method}: {error!r}")
            try:
                result = run(ASK, fmt, method)
                if fmt == JSON:
                    ok = result["boolean"] is True
                elif fmt == XML:
                    ok = result.getElementsByTagName("boolean")[0].firstChild.data == "true"
                else:
                    text = result.decode("utf-8") if isinstance(result, bytes) else result
                    ok = "true" in text
                if not ok:
                    failures.append(f"ASK {fmt} {method}: not true: {result!r}")
                checked += 1
            except Exception as error:  # noqa: BLE001
                failures.append(f"ASK {fmt} {method}: {error!r}")
        for fmt in (RDFXML, TURTLE, N3, JSONLD, XML):
            for name, query, expect in (
                ("CONSTRUCT", CONSTRUCT, 44),
                ("DESCRIBE", describe, None),
            ):
                try:
                    graph = run(query, fmt, method)
                    if not isinstance(graph, rdflib.Graph):
                        g = rdflib.Graph()
                        data = graph.decode("utf-8") if isinstance(graph, bytes) else graph
                        g.parse(data=data, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}.get(fmt, "xml"))
                        graph = g
                    objects = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(E22)))
                    if expect is not None and len(objects) != expect:
                        failures.append(f"{name} {fmt} {method}: {len(objects)} objects, expected {expect}")
                    if expect is None and rdflib.URIRef(f"{base}id/object/DEMO-器物-0001") not in objects:
                        failures.append(f"{name} {fmt} {method}: the described object is missing")
                    checked += 1
                except Exception as error:  # noqa: BLE001
                    failures.append(f"{name} {fmt} {method}: {error!r}")

    print(f"{checked} query/format/method combinations checked; formats checked: JSON XML CSV TSV RDFXML TURTLE N3 JSONLD")
    if failures:
        print(f"{len(failures)} failures:")
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
