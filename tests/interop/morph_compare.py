"""Compares `jiyi map` output with Morph-KGC output for the same mapping, as RDF graphs.

usage: morph_compare.py BASE JIYI.nq MORPH.nq

Prints "isomorphic: N triples" and exits 0, or prints the differences and exits 1.

Two differences are not the mapping's meaning and are normalised before comparing (RML-Core
lets engines differ here):
  - Morph-KGC 2.10 has no base IRI: a relative template such as "id/object/{識別碼}" comes
    out as the relative IRI <id/object/…>, which is not even valid N-Quads. RML-Core says a
    relative IRI is resolved against the base IRI, so it is resolved here against BASE.
  - Morph-KGC writes non-ASCII characters of IRIs percent-encoded (URI form); Jiyi keeps them
    (IRI form, RFC 3987), as RML-Core's IRI-safe encoding does. Both are compared in URI form
    (RFC 3987 §3.1), which maps each IRI to exactly one URI.
Language tags compare case-insensitively (BCP 47). Blank-node labels are rewritten to ASCII so rdflib's N-Quads parser accepts Morph-KGC's
Chinese labels; blank nodes still compare up to renaming (graph isomorphism).
"""
import re
import sys
from urllib.parse import quote

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def normalise_iri(iri: str, base: str) -> str:
    if not ABSOLUTE.match(iri):
        iri = base + iri
    # Percent-encode what is not ASCII (and nothing else): IRI → URI mapping.
    return quote(iri, safe="".join(chr(c) for c in range(0x21, 0x7F)))


def tokens(line: str):
    """Yields the terms of one N-Quads line, as text."""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t":
            i += 1
        elif c == "<":
            j = line.index(">", i)
            yield line[i : j + 1]
            i = j + 1
        elif c == "_":
            j = i + 2
            while j < n and line[j] not in " \t":
                j += 1
            yield line[i:j]
            i = j
        elif c == '"':
            j = i + 1
            while line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            j += 1
            if j < n and line[j] == "@":
                while j < n and line[j] not in " \t":
                    j += 1
            elif line.startswith("^^<", j):
                j = line.index(">", j) + 1
            yield line[i:j]
            i = j
        elif c == ".":
            return
        else:
            raise ValueError(f"cannot read N-Quads line: {line!r}")


def normalise_line(line: str, base: str) -> str:
    out = []
    for term in tokens(line):
        if term.startswith("<"):
            out.append("<" + normalise_iri(term[1:-1], base) + ">")
        elif term.startswith("_:"):
            out.append("_:b" + term[2:].encode("utf-8").hex())
        elif "@" in term[term.rindex('"') :]:
            # Language tags are case-insensitive (BCP 47); Jiyi writes them lower-cased.
            at = term.rindex("@")
            out.append(term[:at] + term[at:].lower())
        elif "^^<" in term:
            lexical, datatype = term.rsplit("^^<", 1)
            out.append(lexical + "^^<" + normalise_iri(datatype[:-1], base) + ">")
        else:
            out.append(term)
    return " ".join(out) + " .\n"


def load(path: str, base: str) -> Graph:
    text = "".join(
        normalise_line(line, base)
        for line in open(path, encoding="utf-8")
        if line.strip() and not line.startswith("#")
    )
    g = Graph()
    g.parse(data=text, format="nt")
    return g


def main() -> None:
    base, jiyi_path, morph_path = sys.argv[1:4]
    jiyi = load(jiyi_path, base)
    morph = load(morph_path, base)
    if len(jiyi) and isomorphic(jiyi, morph):
        print(f"isomorphic: {len(jiyi)} triples")
        return
    _, only_jiyi, only_morph = graph_diff(to_isomorphic(jiyi), to_isomorphic(morph))
    print(f"NOT isomorphic: Jiyi {len(jiyi)} triples, Morph-KGC {len(morph)} triples")
    for label, g in (("only in Jiyi", only_jiyi), ("only in Morph-KGC", only_morph)):
        lines = sorted(g.serialize(format="nt").splitlines())
        print(f"{label}: {len(lines)}")
        for line in lines[:15]:
            print("   ", line)
    sys.exit(1)


if __name__ == "__main__":
    main()
