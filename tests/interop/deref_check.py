#!/usr/bin/env python3
"""Dereferences every demo object and archive record of a running `jiyi serve` with real
clients (urllib for HTTP, rdflib for RDF) and checks what comes back.

For each CSV row: /id/... answers 303 to /doc/...; the document parses in every RDF format
offered (Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads), the graphs from all formats are
isomorphic and contain the row's type and labels; the HTML page names the thing. Then a
SPARQL count through the protocol must equal the CSV row count, in JSON, XML, CSV and TSV.

Usage: deref_check.py SERVER_URL PUBLISHED_BASE DATA_DIR
Exit status 0 when everything holds; otherwise every failure is listed.
"""

import csv
import html
import io
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import rdflib
from rdflib.compare import isomorphic

RDF = rdflib.RDF
RDFS = rdflib.RDFS
DCTERMS = rdflib.DCTERMS
CRM = rdflib.Namespace("http://www.cidoc-crm.org/cidoc-crm/")
RICO = rdflib.Namespace("https://www.ica.org/standards/RiC/ontology#")

DATASETS = [
    {
        "csv": "npm-objects.csv",
        "key": "識別碼",
        "kind": "object",
        "type": CRM["E22_Human-Made_Object"],
        "labels": [("品名", "zh-Hant"), ("title_en", "en")],
    },
    {
        "csv": "qing-archives.csv",
        "key": "統一編號",
        "kind": "record",
        "type": RICO["Record"],
        "labels": [("題名", "zh-Hant")],
    },
]

FORMATS = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/trig", "trig"),
    ("application/n-quads", "nquads"),
]

UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def iri_key(key):
    """The key as one IRI path segment: ASCII outside unreserved escaped, other text kept."""
    out = []
    for ch in key:
        if ch in UNRESERVED or ord(ch) > 0x7F:
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


no_redirect = urllib.request.build_opener(NoRedirect)


def fetch(url, accept=None, follow=True, data=None, content_type=None):
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, headers=headers, data=data)
    opener = urllib.request.build_opener() if follow else no_redirect
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def main():
    server, base, data_dir = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    failures = []
    checked = 0

    def fail(message):
        failures.append(message)

    for ds in DATASETS:
        with open(f"{data_dir}/{ds['csv']}", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        ds["rows"] = len(rows)
        for row in rows:
            key = row[ds["key"]]
            thing_iri = f"{base}id/{ds['kind']}/{iri_key(key)}"
            thing = rdflib.URIRef(thing_iri)
            path = f"/id/{ds['kind']}/{urllib.parse.quote(iri_key(key), safe='-._~%')}"
            status, headers, _ = fetch(server + path, follow=False)
            if status != 303:
                fail(f"{path}: expected 303, got {status}")
                continue
            location = headers.get("Location", "")
            if not location.startswith("/doc/"):
                fail(f"{path}: 303 to {location!r}, expected /doc/…")
                continue
            graphs = {}
            for media_type, parser in FORMATS:
                status, headers, body = fetch(server + location, accept=media_type)
                got = headers.get("Content-Type", "")
                if status != 200 or not got.startswith(media_type):
                    fail(f"{location} as {media_type}: status {status}, Content-Type {got!r}")
                    continue
                if "Accept" not in headers.get("Vary", ""):
                    fail(f"{location} as {media_type}: no Vary: Accept")
                try:
                    if parser in ("trig", "nquads"):
                        dataset = rdflib.Dataset()
                        dataset.parse(data=body, format=parser, publicID=base)
                        g = rdflib.Graph()
                        for s, p, o, _ in dataset.quads():
                            g.add((s, p, o))
                    else:
                        g = rdflib.Graph()
                        g.parse(data=body, format=parser, publicID=base)
                except Exception as error:  # noqa: BLE001 — any parse failure is a finding
                    fail(f"{location} as {media_type}: rdflib cannot parse it: {error}")
                    continue
                graphs[media_type] = g
                if (thing, RDF.type, ds["type"]) not in g:
                    fail(f"{location} as {media_type}: no triple {thing_iri} a {ds['type']}")
                doc = rdflib.URIRef(thing_iri.replace(f"{base}id/", f"{base}doc/", 1))
                if not list(g.objects(doc, DCTERMS.license)):
                    fail(f"{location} as {media_type}: the document states no dcterms:license")
                if not list(g.objects(doc, DCTERMS.rightsHolder)):
                    fail(f"{location} as {media_type}: the document states no dcterms:rightsHolder")
                for column, lang in ds["labels"]:
                    value = row.get(column, "").strip()
                    if value and (thing, RDFS.label, rdflib.Literal(value, lang=lang)) not in g:
                        fail(f"{location} as {media_type}: rdfs:label {value!r}@{lang} missing")
            reference = graphs.get("text/turtle")
            for media_type, g in graphs.items():
                if reference is not None and not isomorphic(reference, g):
                    fail(f"{location}: {media_type} graph differs from the Turtle graph")
            status, headers, body = fetch(server + location, accept="text/html")
            title = row.get(ds["labels"][0][0], "")
            page = body.decode("utf-8", "replace")
            if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
                fail(f"{location} as HTML: status {status}")
            elif title and title not in page:
                fail(f"{location} as HTML: title {title!r} not on the page")
            elif 'rel="license"' not in page:
                fail(f"{location} as HTML: no licence link on the page")
            checked += 1

    # SPARQL through the protocol: one object per CSV row, in every results format.
    for ds in DATASETS:
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{ds['type']}> }}"
        encoded = urllib.parse.urlencode({"query": query}).encode()
        status, headers, body = fetch(
            server + "/sparql",
            accept="application/sparql-results+json",
            data=encoded,
            content_type="application/x-www-form-urlencoded",
        )
        if status != 200:
            fail(f"SPARQL count of {ds['type']}: status {status}: {body[:200]!r}")
            continue
        n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        if n != ds["rows"]:
            fail(f"SPARQL counts {n} {ds['type']} but {ds['csv']} has {ds['rows']} rows")
        for media_type, fmt in [
            ("application/sparql-results+xml", "xml"),
            ("text/csv", "csv"),
            ("text/tab-separated-values", "tsv"),
        ]:
            status, headers, body = fetch(
                server + "/sparql?" + urllib.parse.urlencode({"query": query}), accept=media_type
            )
            try:
                result = rdflib.query.Result.parse(io.BytesIO(body), format=fmt)
                values = [int(row[0]) for row in result]
            except Exception as error:  # noqa: BLE001
                fail(f"SPARQL results as {media_type} do not parse: {error}")
                continue
            if values != [ds["rows"]]:
                fail(f"SPARQL results as {media_type}: {values}, expected [{ds['rows']}]")

    # Every example query on the query page runs and finds something in the demo data.
    status, headers, body = fetch(server + "/sparql", accept="text/html")
    examples = re.findall(r'href="(/sparql\?query=[^"]+)"', body.decode("utf-8"))
    if status != 200 or not examples:
        fail(f"query page: status {status}, {len(examples)} example links")
    for link in examples:
        status, headers, body = fetch(server + html.unescape(link), accept="application/sparql-results+json")
        try:
            rows = json.loads(body)["results"]["bindings"]
        except Exception as error:  # noqa: BLE001
            fail(f"example {link[:80]}…: status {status}, not SPARQL JSON: {error}")
            continue
        if not rows:
            fail(f"example {link[:80]}… finds nothing in the demo data")

    print(f"dereferenced {checked} things in {len(FORMATS) + 1} formats each; {len(examples)} example queries ran")
    for ds in DATASETS:
        print(f"{ds['csv']}: {ds['rows']} rows")
    if failures:
        print(f"{len(failures)} failures:")
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
