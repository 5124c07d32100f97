"""Reads Jiyi's two dumps of one dataset with rdflib, a parser nobody on the Jiyi team wrote.

Usage: dump_rdflib.py DUMP.nq.gz DUMP.ttl.gz GRAPH_IRI

Prints `nquads <n>` (quads, all in GRAPH_IRI), `turtle <n>` (triples) and
`isomorphic true|false` (whether the Turtle graph and the N-Quads graph are the same graph up to
blank node labels). Exit status 0 when both parse, every quad is in GRAPH_IRI and the graphs
are isomorphic; 1 otherwise; 2 on a usage error.
"""

import gzip
import sys

from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    nq_path, ttl_path, graph_iri = sys.argv[1:]
    dataset = Dataset()
    with gzip.open(nq_path, "rt", encoding="utf-8") as f:
        dataset.parse(data=f.read(), format="nquads")
    quads = list(dataset.quads((None, None, None, None)))
    graphs = {str(g.identifier if hasattr(g, "identifier") else g) for (_, _, _, g) in quads}
    print(f"nquads {len(quads)}")
    print(f"graphs {' '.join(sorted(graphs))}")
    from_quads = Graph()
    for s, p, o, _ in quads:
        from_quads.add((s, p, o))
    turtle = Graph()
    with gzip.open(ttl_path, "rt", encoding="utf-8") as f:
        turtle.parse(data=f.read(), format="turtle")
    print(f"turtle {len(turtle)}")
    same = isomorphic(from_quads, turtle)
    print(f"isomorphic {'true' if same else 'false'}")
    ok = same and graphs == {graph_iri} and len(quads) == len(turtle)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
