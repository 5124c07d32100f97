#!/usr/bin/env python3
"""Checks the published Data Cube statistics against ontologies/shapes/datacube.ttl with pyshacl
(a SHACL engine nobody here wrote), reading the graphs from a running `jiyi serve` through the
SPARQL 1.1 Graph Store Protocol, i.e. exactly what the store holds.

1. The published visitor and licensing graphs must conform.
2. Each of a list of broken copies (a measure removed, a dimension doubled, a wrong datatype, a
   negative count, a code outside its code list, an observation without a data set, a data set without a DSD, a
   measure without its unit) must not conform, with the broken node as a focus node, so the
   shapes demonstrably catch what they claim to.

Usage: shacl_datacube.py SERVER_URL PUBLISHED_BASE SHAPES_FILE
Exit status 0 when everything holds; otherwise every failure is listed.
"""

import sys
import urllib.parse
import urllib.request

import pyshacl
import rdflib
from rdflib import Literal, URIRef

QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
SDMX_DIM = rdflib.Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATTR = rdflib.Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SKOS = rdflib.SKOS
XSD = rdflib.XSD
JIYI = rdflib.Namespace("https://w3id.org/jiyi/ns#")


def fetch_graph(server, base, name):
    graph_iri = f"{base}graph/{name}"
    url = f"{server}/graph-store?graph={urllib.parse.quote(graph_iri, safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request) as response:
        body = response.read().decode("utf-8")
    graph = rdflib.Graph()
    graph.parse(data=body, format="nt")
    return graph


def validate(data, shapes):
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    focus = set(report.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#focusNode")))
    return conforms, focus, text


def copy(graph):
    out = rdflib.Graph()
    for triple in graph:
        out.add(triple)
    return out


def main():
    server, base, shapes_file = sys.argv[1:4]
    failures = []
    data = rdflib.Graph()
    for name in ("visitor-stats", "licensing-stats"):
        part = fetch_graph(server, base, name)
        if len(part) == 0:
            failures.append(f"graph {name} is empty")
        data += part
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")

    conforms, _, text = validate(data, shapes)
    observations = set(data.subjects(rdflib.RDF.type, QB.Observation))
    if not conforms:
        failures.append(f"published cubes do not conform:\n{text}")
    print(f"pyshacl: {len(data)} triples, {len(observations)} observations, conforms={conforms}")

    visitor_obs = sorted(data.subjects(JIYI.visitors, None))
    licensing_obs = sorted(data.subjects(JIYI.royalties, None))
    cube = next(iter(data.subjects(rdflib.RDF.type, QB.DataSet)))

    def drop_measure(g):
        o = visitor_obs[0]
        g.remove((o, JIYI.visitors, None))
        return o

    def double_period(g):
        o = licensing_obs[0]
        g.add((o, SDMX_DIM.refPeriod, URIRef("http://reference.data.gov.uk/id/month/1999-01")))
        return o

    def wrong_datatype(g):
        o = licensing_obs[1]
        value = next(g.objects(o, JIYI.royalties))
        g.remove((o, JIYI.royalties, None))
        g.add((o, JIYI.royalties, Literal(str(value), datatype=XSD.string)))
        return o

    def foreign_code(g):
        o = visitor_obs[1]
        stray = URIRef(f"{base}id/concept/other/manual-tally")
        g.add((stray, rdflib.RDF.type, SKOS.Concept))
        g.add((stray, SKOS.inScheme, URIRef(f"{base}id/concept/other")))
        g.remove((o, JIYI.countingMethod, None))
        g.add((o, JIYI.countingMethod, stray))
        return o

    def no_data_set(g):
        o = visitor_obs[2]
        g.remove((o, QB.dataSet, None))
        return o

    def no_structure(g):
        g.remove((cube, QB.structure, None))
        return cube

    def no_unit(g):
        g.remove((JIYI.royalties, SDMX_ATTR.unitMeasure, None))
        return JIYI.royalties

    def missing_method(g):
        o = visitor_obs[3]
        g.remove((o, JIYI.countingMethod, None))
        return o

    def negative_count(g):
        o = visitor_obs[4]
        g.remove((o, JIYI.visitors, None))
        g.add((o, JIYI.visitors, Literal("-5", datatype=XSD.integer)))
        return o

    cases = [drop_measure, double_period, wrong_datatype, foreign_code, no_data_set,
             no_structure, no_unit, missing_method, negative_count]
    caught = 0
    for case in cases:
        broken = copy(data)
        node = case(broken)
        conforms, focus, _ = validate(broken, shapes)
        if conforms:
            failures.append(f"{case.__name__}: broken data still conforms")
        elif node not in focus:
            failures.append(f"{case.__name__}: {node} is not among the focus nodes {sorted(focus)[:5]}")
        else:
            caught += 1
    print(f"pyshacl: {caught} of {len(cases)} broken copies rejected with the broken node as focus")

    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
