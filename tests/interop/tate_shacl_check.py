#!/usr/bin/env python3
"""Validates an RDF file against SHACL shapes with pyshacl (a SHACL engine nobody here wrote).

Usage: tate_shacl_check.py DATA SHAPES [SHAPES ...]
DATA's syntax follows its extension (.nt, .nq, .ttl, .trig). Prints the start of pyshacl's
report, the count of results per message, and a last line "conforms" or "does not conform:
N results"; exit status 0 only when it conforms.
"""

import sys

import pyshacl
import rdflib

FORMATS = {".nt": "nt", ".nq": "nquads", ".ttl": "turtle", ".trig": "trig"}


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    data_path, shape_paths = sys.argv[1], sys.argv[2:]
    fmt = next((f for ext, f in FORMATS.items() if data_path.endswith(ext)), "turtle")
    data = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    data.parse(data_path, format=fmt)
    shapes = rdflib.Graph()
    for path in shape_paths:
        shapes.parse(path, format="turtle")
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    results = len(list(report.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult"))))
    print(f"{len(data)} triples, {len(shapes)} shape triples")
    if conforms:
        print("conforms")
        return 0
    print(text[:5000])
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    messages = {}
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        for message in report.objects(result, sh.resultMessage):
            messages[str(message)] = messages.get(str(message), 0) + 1
    for message, count in sorted(messages.items()):
        print(f"{count:6} x {message}")
    print(f"does not conform: {results} results")
    return 1


if __name__ == "__main__":
    sys.exit(main())
