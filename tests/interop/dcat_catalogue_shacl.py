"""Validates a catalogue graph (N-Triples) against ontologies/shapes/dcat-catalogue.ttl with
pyshacl, a SHACL engine nobody on the Jiyi team wrote.

Usage: dcat_catalogue_shacl.py DATA.nt SHAPES.ttl

Prints `conforms: true|false`, the number of focus nodes each shape targeted (so a shape that
silently targets nothing is noticed), and every violation as
`violation <focus> <path> <message>`. Exit status 0 when the data conforms, 1 when not,
2 on a usage error.
"""

import sys

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    data = Graph()
    data.parse(sys.argv[1], format="nt")
    shapes = Graph()
    shapes.parse(sys.argv[2], format="turtle")
    conforms, report, _text = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, abort_on_first=False
    )
    print(f"triples: {len(data)}")
    print(f"conforms: {'true' if conforms else 'false'}")
    # How many focus nodes each node shape has, by its targets (class, subjects-of, objects-of).
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        focus = set()
        for cls in shapes.objects(shape, SH.targetClass):
            focus.update(data.subjects(RDF.type, cls))
        for p in shapes.objects(shape, SH.targetSubjectsOf):
            focus.update(data.subjects(p, None))
        for p in shapes.objects(shape, SH.targetObjectsOf):
            focus.update(data.objects(None, p))
        print(f"targets {shape.n3(shapes.namespace_manager)} {len(focus)}")
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        print(f"violation {focus} {path} {message}")
    return 0 if conforms else 1


if __name__ == "__main__":
    sys.exit(main())
