#!/usr/bin/env python3
"""Validates dataset graphs with pyshacl (the reference Python SHACL engine) and prints what
it found, for tests/cli_validate.rs to compare with `jiyi validate --format json`.

Each data file is one dataset graph in N-Triples (blank node labels kept as written, so focus
nodes compare exactly). Every *.ttl in the shapes folder is loaded into one shapes graph.

Usage: shacl_check.py SHAPES_DIR NAME=FILE.nt [NAME=FILE.nt ...]
Prints one JSON object: {"NAME": {"conforms": bool, "results": [[focus, path, component], ...]}}
with terms in N-Triples syntax and paths in SPARQL property path syntax, as jiyi writes them.
"""

import json
import pathlib
import sys

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH


class KeepLabels(dict):
    """rdflib gives every N-Triples blank node a fresh id; keep the file's labels instead."""

    def get(self, key, default=None):
        return self.setdefault(key, rdflib.BNode(key))


def term(t):
    if isinstance(t, rdflib.BNode):
        return "_:" + str(t)
    return t.n3()


def path(graph, node):
    """SPARQL syntax of a SHACL path node, as jiyi-shacl's PropertyPath Display writes it."""
    if isinstance(node, rdflib.URIRef):
        return node.n3()
    if (node, RDF.first, None) in graph:
        steps = [path(graph, s) for s in rdflib.collection.Collection(graph, node)]
        return "(" + "/".join(steps) + ")"
    for prop, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, prop)
        if inner is not None:
            return fmt.format(path(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        options = [path(graph, s) for s in rdflib.collection.Collection(graph, alternatives)]
        return "(" + "|".join(options) + ")"
    raise ValueError(f"not a SHACL path: {node}")


def main():
    shapes_dir = pathlib.Path(sys.argv[1])
    shapes = rdflib.Graph()
    for f in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(f, format="turtle")
    out = {}
    for arg in sys.argv[2:]:
        name, file = arg.split("=", 1)
        data = rdflib.Graph()
        data.parse(file, format="nt", bnode_context=KeepLabels())
        conforms, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=False, meta_shacl=False
        )
        results = []
        for r in report.subjects(RDF.type, SH.ValidationResult):
            p = report.value(r, SH.resultPath)
            results.append(
                [
                    term(report.value(r, SH.focusNode)),
                    None if p is None else path(report, p),
                    str(report.value(r, SH.sourceConstraintComponent)),
                ]
            )
        results.sort(key=lambda x: [str(v) for v in x])
        out[name] = {"conforms": bool(conforms), "results": results}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
