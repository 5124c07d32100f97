"""A harvester of Jiyi's LDES change feed, written with rdflib and the standard library only
(no Jiyi code): what a partner institution would write from the LDES and TREE specifications.

Usage:
  ldes_follow.py walk     --server URL --base IRI --dataset NAME
  ldes_follow.py snapshot --server URL --base IRI --dataset NAME --state DIR
  ldes_follow.py follow   --server URL --base IRI --dataset NAME --state DIR

IRIs under --base (the site's published base) are fetched from --server (where the test
server listens), path for path.

walk: reads the feed from its root, following every tree:relation, each page in TriG, N-Quads
  and JSON-LD (which must agree), and prints one JSON object: the stream's declared paths, the
  root's and every page's status, Cache-Control and ETag, and every member (sequence, type,
  thing, time, reason, triples in its named graph, hash).
snapshot: downloads /dumps/NAME.nq.gz and reads its jiyi:feedPosition from the dataset's
  description (/doc/dataset/NAME); saves both in DIR.
follow: loads the saved dump, follows the feed from the root, applies every member after the
  saved position in sequence order (a version replaces the thing's description — its triples,
  and those of the blank nodes and same-document hash IRIs it reaches — with the member's
  named graph; a deletion removes it), then downloads the current dump and compares.
  Triples outside every resource's description are compared as they are: the feed does not
  carry them, so if they differ that is a mismatch. Only the ingest run's provenance is set
  aside, because the change log leaves it out of every description on purpose: triples whose
  subject or object is a run ({base}id/run/…) and the dataset's dcterms:modified. They are
  counted and printed. Prints JSON; exit status 0 when the graphs are isomorphic, 1 if not.
"""

import argparse
import gzip
import json
import os
import sys
import urllib.error
import urllib.request

from rdflib import Dataset, Graph, Literal, URIRef, BNode
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF

LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
AS = "https://www.w3.org/ns/activitystreams#"
PROV = "http://www.w3.org/ns/prov#"
JIYI = "https://w3id.org/jiyi/ns#"
DCAT = "http://www.w3.org/ns/dcat#"

FORMATS = {
    "trig": "application/trig",
    "nquads": "application/n-quads",
    "json-ld": "application/ld+json",
}


class Site:
    def __init__(self, server, base):
        self.server = server.rstrip("/") + "/"
        self.base = base

    def url(self, iri):
        if not iri.startswith(self.base):
            raise SystemExit(f"{iri} is not under the base {self.base}")
        path = iri[len(self.base):]
        return self.server + urllib.request.quote(path, safe="/:?=&#%")

    def get(self, iri, accept):
        request = urllib.request.Request(self.url(iri), headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


def parse(body, fmt):
    ds = Dataset()
    ds.parse(data=body.decode("utf-8"), format=fmt)
    return ds


def default_graph(ds):
    return ds.default_graph


def described(ds, iri):
    return ds.graph(URIRef(iri))


def stream_paths(ds, stream):
    g = default_graph(ds)
    out = {}
    for p in ["timestampPath", "versionOfPath", "sequencePath", "versionDeletePath",
              "versionDeleteObject"]:
        o = g.value(URIRef(stream), URIRef(LDES + p))
        out[p] = str(o) if o is not None else None
    return out


def relations(ds, node):
    g = default_graph(ds)
    out = []
    for r in g.objects(URIRef(node), URIRef(TREE + "relation")):
        value = g.value(r, URIRef(TREE + "value"))
        remaining = g.value(r, URIRef(TREE + "remainingItems"))
        out.append({
            "type": str(g.value(r, RDF.type)),
            "node": str(g.value(r, URIRef(TREE + "node"))),
            "path": str(g.value(r, URIRef(TREE + "path"))),
            "value": value.toPython() if isinstance(value.toPython(), int) else str(value),
            "remaining": int(remaining) if remaining is not None else None,
        })
    out.sort(key=lambda r: r["path"])
    return out


def members(ds, stream):
    g = default_graph(ds)
    out = []
    for m in g.objects(URIRef(stream), URIRef(TREE + "member")):
        value = lambda p: g.value(m, URIRef(p))
        reason = value(JIYI + "reason")
        time = value(PROV + "generatedAtTime")
        out.append({
            "iri": str(m),
            "sequence": int(value(JIYI + "sequence")),
            "type": str(value(RDF.type)),
            "thing": str(value(DCTERMS.isVersionOf)),
            "time": str(time) if time is not None else None,
            "reason": str(reason) if reason is not None else None,
            "hash": str(value(JIYI + "hash")) if value(JIYI + "hash") is not None else None,
            "triples": len(described(ds, m)),
        })
    out.sort(key=lambda m: m["sequence"])
    return out


def comparable(ds):
    """(default-graph triples, {named graph: triples}) for comparing two syntaxes."""
    graphs = {}
    for g in ds.graphs():
        if len(g) == 0:
            continue
        graphs[str(g.identifier)] = g
    return graphs


def same_dataset(a, b):
    ga, gb = comparable(a), comparable(b)
    if set(ga) != set(gb):
        return False
    return all(isomorphic(ga[k], gb[k]) for k in ga)


def discover(site, dataset):
    """The event stream and its view, found from the dataset's description: an rdfs:seeAlso
    that dereferences to an ldes:EventStream."""
    dataset_iri = URIRef(f"{site.base}id/dataset/{dataset}")
    doc = f"{site.base}doc/dataset/{dataset}"
    status, _, body = site.get(doc, "text/turtle")
    if status != 200:
        raise SystemExit(f"GET {doc}: {status}")
    g = Graph()
    g.parse(data=body.decode("utf-8"), format="turtle")
    for also in g.objects(dataset_iri, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")):
        status, _, body = site.get(str(also).split("#")[0], "application/trig")
        if status != 200:
            continue
        ds = parse(body, "trig")
        view = default_graph(ds).value(also, URIRef(TREE + "view"))
        if (also, RDF.type, URIRef(LDES + "EventStream")) in default_graph(ds) and view:
            return str(also), str(view)
    raise SystemExit(f"{doc} points at no ldes:EventStream")


def feed_pages(site, dataset, check_formats):
    """The root and every page reachable from it, in order, each parsed."""
    stream, root = discover(site, dataset)
    status, headers, body = site.get(root, "application/trig")
    if status != 200:
        raise SystemExit(f"GET {root}: {status} {body[:300]!r}")
    ds = parse(body, "trig")
    out = {
        "stream_iri": stream,
        "stream": stream_paths(ds, stream),
        "view": str(default_graph(ds).value(URIRef(stream), URIRef(TREE + "view"))),
        "root": {"url": root, "status": status, "cache_control": headers.get("cache-control"),
                 "etag": headers.get("etag"), "relations": relations(ds, root)},
        "pages": [],
    }
    queue = [r["node"] for r in out["root"]["relations"]]
    seen = set()
    while queue:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        status, headers, body = site.get(page, "application/trig")
        if status != 200:
            raise SystemExit(f"GET {page}: {status} {body[:300]!r}")
        ds = parse(body, "trig")
        agree = None
        if check_formats:
            agree = True
            for fmt, media in FORMATS.items():
                if fmt == "trig":
                    continue
                s2, h2, b2 = site.get(page, media)
                if s2 != 200 or not h2.get("content-type", "").startswith(media):
                    raise SystemExit(f"GET {page} as {media}: {s2} {h2.get('content-type')}")
                agree = agree and same_dataset(ds, parse(b2, fmt))
        rels = relations(ds, page)
        out["pages"].append({
            "url": page, "status": status, "cache_control": headers.get("cache-control"),
            "etag": headers.get("etag"), "relations": rels, "formats_agree": agree,
            "members": members(ds, stream), "dataset": ds,
        })
        queue.extend(r["node"] for r in rels)
    return out


def walk(args):
    site = Site(args.server, args.base)
    out = feed_pages(site, args.dataset, check_formats=True)
    for page in out["pages"]:
        del page["dataset"]
    print(json.dumps(out, indent=1))
    return 0


def feed_position(site, dataset):
    """jiyi:feedPosition of the N-Quads dump, from the dataset's description."""
    dataset_iri = f"{site.base}id/dataset/{dataset}"
    doc = f"{site.base}doc/dataset/{dataset}"
    status, _, body = site.get(doc, "text/turtle")
    if status != 200:
        raise SystemExit(f"GET {doc}: {status}")
    g = Graph()
    g.parse(data=body.decode("utf-8"), format="turtle")
    for d in g.objects(URIRef(dataset_iri), URIRef(DCAT + "distribution")):
        url = g.value(d, URIRef(DCAT + "downloadURL"))
        if url is not None and str(url).endswith(".nq.gz"):
            position = g.value(d, URIRef(JIYI + "feedPosition"))
            if position is None:
                raise SystemExit(f"{d} states no jiyi:feedPosition")
            return str(url), int(position.toPython())
    raise SystemExit(f"{doc} lists no N-Quads dump")


def load_dump(site, url):
    status, _, body = site.get(url, "application/gzip")
    if status != 200:
        raise SystemExit(f"GET {url}: {status}")
    return body


def dump_graph(body):
    ds = Dataset()
    ds.parse(data=gzip.decompress(body).decode("utf-8"), format="nquads")
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def snapshot(args):
    site = Site(args.server, args.base)
    url, position = feed_position(site, args.dataset)
    os.makedirs(args.state, exist_ok=True)
    with open(os.path.join(args.state, "dump.nq.gz"), "wb") as f:
        f.write(load_dump(site, url))
    with open(os.path.join(args.state, "position"), "w") as f:
        f.write(str(position))
    print(json.dumps({"dump": url, "position": position}))
    return 0


def closure(g, thing):
    """The thing's description: its triples and those of the blank nodes and hash IRIs
    (thing#…) it reaches."""
    prefix = str(thing) + "#"
    seen, queue, out = set(), [thing], []
    while queue:
        node = queue.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in g.triples((node, None, None)):
            out.append((s, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(prefix)):
                queue.append(o)
    return out


def provenance(g, base, dataset):
    runs = base + "id/run/"
    dataset_iri = URIRef(f"{base}id/dataset/{dataset}")
    out = Graph()
    for s, p, o in g:
        if (str(s).startswith(runs) or (isinstance(o, URIRef) and str(o).startswith(runs))
                or (s == dataset_iri and p == DCTERMS.modified)):
            out.add((s, p, o))
    return out


def outside_resources(g, base):
    """Triples in no resource's description (resources: subjects under {base}id/, no #, not
    runs), for the report."""
    inside = set()
    for s in set(g.subjects()):
        if isinstance(s, URIRef) and str(s).startswith(base + "id/") and "#" not in str(s) \
                and not str(s).startswith(base + "id/run/"):
            inside.update(closure(g, s))
    return [t for t in g if t not in inside]


def follow(args):
    site = Site(args.server, args.base)
    with open(os.path.join(args.state, "dump.nq.gz"), "rb") as f:
        harvested = dump_graph(f.read())
    with open(os.path.join(args.state, "position")) as f:
        position = int(f.read())
    feed = feed_pages(site, args.dataset, check_formats=False)
    applied = {"versions": 0, "deletions": 0, "skipped": 0}
    todo = []
    for page in feed["pages"]:
        for m in page["members"]:
            if m["sequence"] <= position:
                applied["skipped"] += 1
            else:
                todo.append((m, page["dataset"]))
    todo.sort(key=lambda pair: pair[0]["sequence"])
    for m, ds in todo:
        thing = URIRef(m["thing"])
        for t in closure(harvested, thing):
            harvested.remove(t)
        if m["type"] == AS + "Delete":
            applied["deletions"] += 1
            continue
        graph = described(ds, m["iri"])
        if len(graph) == 0:
            raise SystemExit(f"member {m['iri']} has no description")
        for t in graph:
            harvested.add(t)
        applied["versions"] += 1
    _, current_position = feed_position(site, args.dataset)
    expected = dump_graph(load_dump(site, f"{site.base}dumps/{args.dataset}.nq.gz"))
    set_aside = {}
    for name, g in [("harvested", harvested), ("expected", expected)]:
        prov = provenance(g, args.base, args.dataset)
        set_aside[name] = len(prov)
        for t in prov:
            g.remove(t)
    same = isomorphic(harvested, expected)
    report = {
        "dump_position": position,
        "current_position": current_position,
        "last_member": todo[-1][0]["sequence"] if todo else position,
        "applied": applied,
        "provenance_set_aside": set_aside,
        "outside_resources": {"harvested": len(outside_resources(harvested, args.base)),
                              "expected": len(outside_resources(expected, args.base))},
        "triples": {"harvested": len(harvested), "expected": len(expected)},
        "isomorphic": same,
    }
    if not same:
        _, only_harvested, only_expected = graph_diff(to_isomorphic(harvested),
                                                      to_isomorphic(expected))
        report["only_harvested"] = sorted(f"{s} {p} {o}" for s, p, o in only_harvested)[:20]
        report["only_expected"] = sorted(f"{s} {p} {o}" for s, p, o in only_expected)[:20]
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0 if same else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["walk", "snapshot", "follow"])
    parser.add_argument("--server", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--state")
    args = parser.parse_args()
    if args.mode != "walk" and not args.state:
        parser.error("--state is required")
    return {"walk": walk, "snapshot": snapshot, "follow": follow}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
