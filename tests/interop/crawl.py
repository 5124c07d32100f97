#!/usr/bin/env python3
"""A linked-data crawl of a running `jiyi serve` with clients nobody here wrote (urllib for
HTTP, rdflib for every RDF syntax, pyld for JSON-LD).

Starts where a crawler starts: /.well-known/void, plus the sitemaps robots.txt names (or
/sitemap.xml). When the site has neither, it says so loudly and falls back to the links of
the landing page and to the subjects the SPARQL endpoint lists (--require-discovery turns
that into a failure). Then, breadth-first and each once, it follows every IRI under the
published base found as a subject or object of any document (hash IRIs without their
fragment; IRIs are mapped from the published base to the server):

- /id/… must answer 303 See Other to /doc/… for a crawler's Accept header (rdf-dereference's);
- /doc/… must answer 200 in every RDF syntax (Turtle, N-Triples, JSON-LD, RDF/XML, TriG,
  N-Quads) with that media type, and via the suffix URLs (.ttl .nt .jsonld .rdf .trig .nq
  .html) when the server has them; every syntax must give a graph isomorphic to the Turtle
  one; pyld must expand and compact the JSON-LD, and both forms must convert back to the same
  graph; the HTML must answer 200 text/html; next pages (Link rel="next", hydra:next) are
  crawled as documents too;
- any other IRI under the base (the VoID document, graphs, the SPARQL service…) must answer
  200; every RDF syntax it offers (406 = not offered) must parse and agree.

Prints how many URIs were crawled, lists every broken URI and every format disagreement, and
exits 1 if there is any.

Usage: crawl.py SERVER_URL PUBLISHED_BASE [--require-discovery] [--max-uris N]
"""

from __future__ import annotations

import argparse
import gzip
import html.parser
import json
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

# The RDF syntaxes a document must be served in: media type, rdflib parser, suffix.
FORMATS = [
    ("text/turtle", "turtle", ".ttl"),
    ("application/n-triples", "nt", ".nt"),
    ("application/ld+json", "json-ld", ".jsonld"),
    ("application/rdf+xml", "xml", ".rdf"),
    ("application/trig", "trig", ".trig"),
    ("application/n-quads", "nquads", ".nq"),
]
PARSERS = {mt: parser for mt, parser, _ in FORMATS}
# What rdf-dereference 4.0.0 (a crawler's client) sends (DESIGN.md): RDF preferred, HTML last.
CRAWLER_ACCEPT = ("application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
                  "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,"
                  "text/n3;q=0.35,application/xml;q=0.3,text/xml;q=0.3,image/svg+xml;q=0.3,"
                  "text/html;q=0.2,application/xhtml+xml;q=0.18")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# A small context for pyld's compaction: the prefixes of Jiyi's vocabularies.
CONTEXT = {"@context": {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "rico": "https://www.ica.org/standards/RiC/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "label": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@container": "@language"},
}}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECT = urllib.request.build_opener(NoRedirect)
FOLLOW = urllib.request.build_opener()


def fetch(url, accept, follow=True):
    """GET url; returns (status, headers, body, final url). Bodies sent gzip-compressed
    without being asked (a dump file) are unpacked."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    opener = FOLLOW if follow else NO_REDIRECT
    try:
        with opener.open(request, timeout=60) as response:
            status, headers, body, final = response.status, response.headers, response.read(), response.url
    except urllib.error.HTTPError as error:
        status, headers, body, final = error.code, error.headers, error.read(), url
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    return status, headers, body, final


def uri_to_iri(uri: str) -> str:
    """One spelling per resource (RFC 3987 §3.2): percent-escapes that encode non-ASCII UTF-8
    text are decoded, escapes of ASCII characters (%20, %2F…) stay."""

    def decode(m: re.Match) -> str:
        raw = bytes(int(h, 16) for h in re.findall(r"%([0-9A-Fa-f]{2})", m.group(0)))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)

    return re.sub(r"(?:%[89A-Fa-f][0-9A-Fa-f])+", decode, uri)


def media_type(headers) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


def parse(body: bytes, mt: str, base: str) -> rdflib.Graph:
    """The triples of a document in any of the syntaxes (quads merged into one graph)."""
    parser = PARSERS[mt]
    # JSON-LD may name graphs (a feed's members): read it as a dataset like TriG, or a plain
    # Graph would keep only its default graph.
    if parser in ("trig", "nquads", "json-ld"):
        dataset = rdflib.Dataset()
        dataset.parse(data=body, format=parser, publicID=base)
        g = rdflib.Graph()
        for s, p, o, _ in dataset.quads():
            g.add((s, p, o))
        return g
    g = rdflib.Graph()
    g.parse(data=body, format=parser, publicID=base)
    return g


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and value:
                self.hrefs.append(value)


class Crawl:
    def __init__(self, server: str, base: str, require_discovery: bool, max_uris: int, jobs: int):
        self.server, self.base = server.rstrip("/"), base
        self.require_discovery = require_discovery
        self.max_uris = max_uris
        self.jobs = jobs
        self.lock = threading.Lock()  # the sets and counters below are shared by the workers
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()
        self.documents: set[str] = set()  # server paths of documents checked
        self.broken: list[str] = []
        self.disagreements: list[str] = []
        self.notes: list[str] = []
        self.things = 0
        self.pages = 0
        self.gone: list[str] = []  # 410: withdrawn things
        self.suffixes: bool | None = None  # decided on the first document
        self.suffix_lock = threading.Lock()
        self.crawled = 0
        jsonld.set_document_loader(self.load_context)

    # --- IRIs ↔ server URLs ------------------------------------------------------------------

    def url(self, iri: str) -> str:
        """The server URL of an IRI under the base: its path as a URI (non-ASCII as UTF-8
        percent-escapes, existing escapes kept)."""
        rest = iri[len(self.base):]
        return self.server + "/" + urllib.parse.quote(rest, safe="/%-._~!$&'()*+,;=:@?")

    def iri(self, link: str) -> str | None:
        """A link found anywhere (absolute on the base or the server, or server-relative) as
        an IRI under the base without its fragment; None for other sites."""
        link = urllib.parse.urldefrag(link)[0]
        if link.startswith(self.server + "/"):
            link = self.base + link[len(self.server) + 1:]
        elif link.startswith("/") and not link.startswith("//"):
            link = self.base + link[1:]
        if not link.startswith(self.base):
            return None
        return uri_to_iri(link)

    def enqueue(self, link: str) -> None:
        iri = self.iri(link)
        if iri is not None and self.claim(iri):
            with self.lock:
                self.queue.append(iri)

    def claim(self, iri: str) -> bool:
        """True the first time an IRI is met: each is crawled once."""
        with self.lock:
            if iri in self.seen:
                return False
            self.seen.add(iri)
            return True

    def add(self, counter: str) -> None:
        with self.lock:
            setattr(self, counter, getattr(self, counter) + 1)

    def load_context(self, url, options=None):
        """pyld's document loader: contexts on this site only; the crawl is offline."""
        iri = self.iri(url)
        if iri is None:
            raise jsonld.JsonLdError(f"remote context {url} not fetched (offline crawl)",
                                     "jsonld.LoadDocumentError", code="loading document failed")
        status, headers, body, _ = fetch(self.url(iri), "application/ld+json")
        if status != 200:
            raise jsonld.JsonLdError(f"context {url}: status {status}", "jsonld.LoadDocumentError",
                                     code="loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(body),
                "contentType": "application/ld+json"}

    # --- discovery ---------------------------------------------------------------------------

    def discover(self) -> None:
        void = self.base + ".well-known/void"
        status, headers, body, _ = fetch(self.url(void), CRAWLER_ACCEPT)
        has_void = status == 200
        sitemaps = []
        status_r, _, robots, _ = fetch(self.server + "/robots.txt", "text/plain")
        if status_r == 200:
            sitemaps = re.findall(r"(?im)^\s*sitemap:\s*(\S+)", robots.decode("utf-8", "replace"))
            if has_void and "/.well-known/void" not in robots.decode("utf-8", "replace"):
                self.notes.append("robots.txt does not mention /.well-known/void")
        if not sitemaps:
            sitemaps = [self.server + "/sitemap.xml"]
        locs = []
        for sitemap in sitemaps:
            # robots.txt names sitemaps by their published address (on the base): fetch them here.
            iri = self.iri(sitemap)
            locs += self.sitemap(self.url(iri) if iri else sitemap, depth=0)
        if has_void:
            print(f"start: {void} (VoID), {len(locs)} URIs from {len(sitemaps)} sitemap(s)")
            self.enqueue(void)
        elif locs:
            print(f"!!! NO VoID at /.well-known/void (status {status}); starting from the sitemap's {len(locs)} URIs")
        for loc in locs:
            self.enqueue(loc)
        if has_void or locs:
            if not has_void:
                self.fail_discovery(f"/.well-known/void answered {status}")
            return
        self.fail_discovery(f"/.well-known/void answered {status} and there is no sitemap")
        print("!!! FALLBACK: neither /.well-known/void nor a sitemap is served; starting from the landing "
              "page's links and the subjects the SPARQL endpoint lists. Re-run once the site publishes them.")
        status, _, page, _ = fetch(self.server + "/", "text/html")
        if status == 200:
            links = Links()
            links.feed(page.decode("utf-8", "replace"))
            for href in links.hrefs:
                if href.startswith(("/id/", "/doc/", self.base)):
                    self.enqueue(href)
        query = (f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{self.base}")) }}')
        status, _, body, _ = fetch(self.server + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                   "application/sparql-results+json")
        if status != 200:
            self.broken.append(f"/sparql: the fallback's subject list answered {status}")
            return
        for b in json.loads(body)["results"]["bindings"]:
            self.enqueue(b["s"]["value"])

    def fail_discovery(self, why: str) -> None:
        if self.require_discovery:
            self.broken.append(f"discovery: {why}")
        else:
            self.notes.append(f"discovery: {why}")

    def sitemap(self, url: str, depth: int) -> list[str]:
        status, _, body, _ = fetch(url, "application/xml")
        if status != 200:
            if not url.endswith("/sitemap.xml") or depth > 0:
                self.broken.append(f"{url}: sitemap answered {status}")
            return []
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            self.broken.append(f"{url}: sitemap is not XML: {e}")
            return []
        locs = [el.text.strip() for el in root.iter(f"{SITEMAP_NS}loc") if el.text]
        if root.tag == f"{SITEMAP_NS}sitemapindex" and depth < 3:
            return [loc for child in locs for loc in self.sitemap(self.url(self.iri(child)) if self.iri(child)
                                                                   else child, depth + 1)]
        return locs

    # --- crawling ----------------------------------------------------------------------------

    def run(self) -> None:
        self.discover()
        # Breadth-first in waves: the URIs found while crawling one wave make the next; a few
        # workers overlap the waiting on the server (parsing holds the GIL anyway).
        with ThreadPoolExecutor(self.jobs) as pool:
            while self.queue and self.crawled < self.max_uris:
                wave = []
                while self.queue and self.crawled + len(wave) < self.max_uris:
                    wave.append(self.queue.popleft())
                self.crawled += len(wave)
                list(pool.map(self.visit, wave))
        if self.queue:
            self.broken.append(f"crawl stopped at --max-uris {self.max_uris} with {len(self.queue)} URIs left")

    def visit(self, iri: str) -> None:
        path = iri[len(self.base) - 1:]
        if path.startswith("/id/"):
            self.thing(iri)
        elif path.startswith("/doc/"):
            self.document(self.url(iri), iri)
        else:
            self.resource(iri)

    def thing(self, iri: str) -> None:
        self.add("things")
        url = self.url(iri)
        status, headers, body, _ = fetch(url, CRAWLER_ACCEPT, follow=False)
        location = headers.get("Location", "")
        if status == 410:
            self.tombstone(iri, headers, body)
            return
        if status != 303:
            self.broken.append(f"{iri}: expected 303 See Other, got {status}")
            return
        doc = self.iri(urllib.parse.urljoin(url, location))
        if doc is None or not doc[len(self.base) - 1:].startswith("/doc/"):
            self.broken.append(f"{iri}: 303 to {location!r}, not a /doc/ URI on this site")
            return
        doc_url = urllib.parse.urljoin(url, location)
        status, headers, body, _ = fetch(doc_url, CRAWLER_ACCEPT)
        mt = media_type(headers)
        if status == 200 and mt not in PARSERS:
            self.broken.append(f"{iri}: with a crawler's Accept the document answered {mt!r}, not RDF")
        doc_iri = urllib.parse.urldefrag(doc)[0].split("?")[0]
        if self.claim(doc_iri):
            self.add("crawled")
            self.document(self.url(doc_iri), doc_iri)

    def formats(self, url: str, label: str, strict: bool) -> tuple[dict[str, rdflib.Graph], dict]:
        """Every syntax of a resource. strict: each must be served; otherwise 406 means not
        offered. Returns the graphs that parsed and the answers' headers, by media type."""
        graphs, answers = {}, {}
        for mt, _, _ in FORMATS:
            status, headers, body, _ = fetch(url, mt)
            answers[mt] = headers
            got = media_type(headers)
            if status == 406 and not strict:
                continue
            if status != 200:
                self.broken.append(f"{label} as {mt}: status {status}")
                continue
            if got != mt:
                if strict:
                    self.disagreements.append(f"{label}: asked for {mt}, got Content-Type {got!r}")
                continue
            try:
                graphs[mt] = parse(body, mt, url)
            except Exception as e:  # noqa: BLE001 - any parse failure is a finding
                self.disagreements.append(f"{label} as {mt}: rdflib cannot parse it: {e}")
        reference = graphs.get("text/turtle") or next(iter(graphs.values()), None)
        for mt, g in graphs.items():
            if reference is not None and g is not reference and not isomorphic(reference, g):
                self.disagreements.append(f"{label}: the {mt} graph ({len(g)} triples) differs from the "
                                          f"{'Turtle' if 'text/turtle' in graphs else 'first'} one ({len(reference)})")
        return graphs, answers

    def document(self, url: str, iri: str) -> None:
        with self.lock:
            if url in self.documents:
                return
            self.documents.add(url)
        label = iri
        status, headers, body, _ = fetch(url, "text/turtle")
        if status == 410:
            self.tombstone(iri, headers, body)
            return
        if status != 200:
            self.broken.append(f"{label}: status {status}")
            return
        graphs, answers = self.formats(url, label, strict=True)
        turtle = graphs.get("text/turtle")
        if turtle is None:
            return
        self.jsonld(url, label, turtle)
        status, headers, _, _ = fetch(url, "text/html")
        if status != 200 or media_type(headers) != "text/html":
            self.broken.append(f"{label} as text/html: status {status}, {media_type(headers)!r}")
        if "?" not in url:
            self.suffix_urls(url, label, turtle)
        self.collect(turtle)
        for link in self.next_links(answers["text/turtle"], turtle, iri):
            page = self.iri(urllib.parse.urljoin(url, link))
            if page is None:
                self.broken.append(f"{label}: next page {link!r} is not on this site")
            elif self.claim(page):
                self.add("pages")
                self.add("crawled")
                self.document(self.url(page), page)

    def next_links(self, headers, graph: rdflib.Graph, iri: str) -> list[str]:
        out = [m.group(1) for m in re.finditer(r'<([^>]*)>\s*;[^,]*?\brel="?next"?', headers.get("Link", "") or "")]
        for p in (HYDRA.next, HYDRA.nextPage):
            out += [str(o) for s, o in graph.subject_objects(p) if str(s).startswith(iri.split("?")[0])]
        return out

    def suffix_urls(self, url: str, label: str, turtle: rdflib.Graph) -> None:
        with self.suffix_lock:
            if self.suffixes is None:
                status, headers, _, _ = fetch(url + ".ttl", "*/*")
                self.suffixes = status == 200
                if not self.suffixes:
                    print(f"!!! suffix URLs are not served ({url}.ttl answered {status}): skipping .ttl .nt "
                          f".jsonld .rdf .trig .nq .html checks")
                    self.notes.append(f"suffix URLs not served ({label}.ttl: {status})")
        if not self.suffixes:
            return
        for mt, _, suffix in FORMATS:
            status, headers, body, _ = fetch(url + suffix, "*/*")
            if status != 200 or media_type(headers) != mt:
                self.broken.append(f"{label}{suffix}: status {status}, {media_type(headers)!r} (expected {mt})")
                continue
            try:
                g = parse(body, mt, url)
            except Exception as e:  # noqa: BLE001
                self.disagreements.append(f"{label}{suffix}: rdflib cannot parse it: {e}")
                continue
            if not isomorphic(turtle, g):
                self.disagreements.append(f"{label}{suffix}: graph differs from the negotiated Turtle")
        status, headers, _, _ = fetch(url + ".html", "*/*")
        if status != 200 or media_type(headers) != "text/html":
            self.broken.append(f"{label}.html: status {status}, {media_type(headers)!r}")

    def tombstone(self, iri: str, headers, body: bytes) -> None:
        """410 Gone: a withdrawn thing, by design not a broken link; what it says must parse
        if it is RDF (the tombstone)."""
        self.gone.append(iri)
        mt = media_type(headers)
        if mt in PARSERS:
            try:
                parse(body, mt, self.url(iri))
            except Exception as e:  # noqa: BLE001
                self.disagreements.append(f"{iri}: the 410 tombstone ({mt}) does not parse: {e}")

    def jsonld(self, url: str, label: str, turtle: rdflib.Graph) -> None:
        """pyld expands and compacts the JSON-LD; both convert back to the Turtle graph."""
        status, headers, body, _ = fetch(url, "application/ld+json")
        if status != 200 or media_type(headers) != "application/ld+json":
            return  # already reported by formats()
        try:
            doc = json.loads(body)
            expanded = jsonld.expand(doc, {"base": url})
            compacted = jsonld.compact(doc, CONTEXT, {"base": url})
            for form, data in (("expanded", expanded), ("compacted", compacted)):
                nquads = jsonld.to_rdf(data, {"format": "application/n-quads", "base": url})
                g = parse(nquads.encode("utf-8"), "application/n-quads", url)
                if not isomorphic(turtle, g):
                    self.disagreements.append(f"{label}: pyld's {form} JSON-LD gives {len(g)} triples, "
                                              f"not the Turtle graph's {len(turtle)}")
        except Exception as e:  # noqa: BLE001 - a pyld failure is a finding
            self.disagreements.append(f"{label}: pyld cannot process the JSON-LD: {e}")

    def resource(self, iri: str) -> None:
        """An IRI under the base that is not a thing or its document (VoID, a graph, a
        service): it must answer, and what RDF it offers must agree."""
        url = self.url(iri)
        status, headers, body, final = fetch(url, CRAWLER_ACCEPT)
        if status != 200:
            self.broken.append(f"{iri}: status {status}")
            return
        mt = media_type(headers)
        if mt not in PARSERS:
            self.notes.append(f"{iri}: not RDF ({mt or 'no Content-Type'})")
            return
        final_iri = self.iri(final) or iri
        if final != url and final_iri[len(self.base) - 1:].startswith("/doc/"):
            if self.claim(final_iri):
                self.document(final, final_iri)
            return
        graphs, _ = self.formats(final, iri, strict=False)
        for g in graphs.values():
            self.collect(g)
            break

    def collect(self, graph: rdflib.Graph) -> None:
        for s, _, o in graph:
            for term in (s, o):
                if isinstance(term, rdflib.URIRef):
                    self.enqueue(str(term))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("server", help="the server's URL, e.g. http://127.0.0.1:8080")
    ap.add_argument("base", help="the published base IRI, e.g. https://data.example.tw/")
    ap.add_argument("--require-discovery", action="store_true",
                    help="fail when /.well-known/void or a sitemap is missing instead of falling back")
    ap.add_argument("--max-uris", type=int, default=100_000, help="stop (and fail) after this many URIs")
    ap.add_argument("--jobs", type=int, default=4, help="URIs checked at once")
    args = ap.parse_args()
    crawl = Crawl(args.server, args.base, args.require_discovery, args.max_uris, max(1, args.jobs))
    crawl.run()
    print(f"crawled {crawl.crawled} URIs: {crawl.things} things (/id/), {len(crawl.documents)} documents "
          f"({crawl.pages} next pages), in {len(FORMATS)} RDF formats each"
          f"{' and the suffix URLs' if crawl.suffixes else ''}, HTML and pyld")
    for note in sorted(set(crawl.notes)):
        print(f"note: {note}")
    if crawl.gone:
        print(f"{len(crawl.gone)} withdrawn (410 Gone): " + ", ".join(crawl.gone[:20]))
    if crawl.broken:
        print(f"{len(crawl.broken)} broken URIs:")
        for b in sorted(crawl.broken):
            print("  " + b)
    if crawl.disagreements:
        print(f"{len(crawl.disagreements)} format disagreements:")
        for d in sorted(crawl.disagreements):
            print("  " + d)
    if not crawl.broken and not crawl.disagreements:
        print("no broken URI, no format disagreement")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
