"""Harvests Jiyi's OAI-PMH provider with Sickle, as an aggregator would.

Usage: oai_sickle.py ENDPOINT --expect-live N [--from DATESTAMP] [--expect-deleted IRI ...]

Lists the sets, then harvests every set in both formats (oai_dc and rdf) with ListRecords,
following resumption tokens, and the whole repository with ListIdentifiers. Every response is
checked with lxml: well-formed, the OAI-PMH root, responseDate and request, each record's
header (identifier, datestamp in the repository's granularity, setSpecs of listed sets),
metadata present exactly for live records (oai_dc:dc or rdf:RDF, the latter parsed with
rdflib and about the record's identifier). The OAI-PMH XSD is not available offline, so the
schema itself is not applied; the checks above are the schema's required structure.

Prints one JSON line with what it found; exits 1 with the problems otherwise.
"""

import argparse
import json
import re
import sys

import rdflib
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DATESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

problems = []


def problem(text):
    problems.append(text)


class RecordingSickle(Sickle):
    """Sickle that keeps every raw response for checking."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses = []

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        self.responses.append((dict(kwargs), response.raw))
        return response


def check_envelope(params, raw):
    try:
        root = etree.fromstring(raw.encode("utf-8"))
    except etree.XMLSyntaxError as e:
        problem(f"{params}: not well-formed XML: {e}")
        return None
    if root.tag != f"{{{OAI}}}OAI-PMH":
        problem(f"{params}: root is {root.tag}")
    children = [c.tag for c in root]
    if children[:2] != [f"{{{OAI}}}responseDate", f"{{{OAI}}}request"]:
        problem(f"{params}: responseDate and request must come first, got {children[:2]}")
    if not DATESTAMP.match(root.findtext(f"{{{OAI}}}responseDate") or ""):
        problem(f"{params}: bad responseDate")
    request = root.find(f"{{{OAI}}}request")
    if request is not None and request.get("verb") != params.get("verb"):
        problem(f"{params}: request element echoes verb {request.get('verb')}")
    return root


def check_record(params, record, fmt, set_specs):
    header = record.find(f"{{{OAI}}}header")
    if header is None:
        problem(f"{params}: a record without header")
        return None
    identifier = header.findtext(f"{{{OAI}}}identifier")
    datestamp = header.findtext(f"{{{OAI}}}datestamp") or ""
    if not identifier:
        problem(f"{params}: a header without identifier")
    if not DATESTAMP.match(datestamp):
        problem(f"{identifier}: datestamp {datestamp!r} is not YYYY-MM-DDThh:mm:ssZ")
    for spec in header.findall(f"{{{OAI}}}setSpec"):
        if spec.text not in set_specs:
            problem(f"{identifier}: setSpec {spec.text} is not a listed set")
    deleted = header.get("status") == "deleted"
    metadata = record.find(f"{{{OAI}}}metadata")
    if deleted and metadata is not None:
        problem(f"{identifier}: deleted but has metadata")
    if not deleted:
        if metadata is None or len(metadata) != 1:
            problem(f"{identifier}: live but without exactly one metadata element")
        elif fmt == "oai_dc":
            if metadata[0].tag != f"{{{OAI_DC}}}dc":
                problem(f"{identifier}: oai_dc metadata is {metadata[0].tag}")
            elif identifier not in [e.text for e in metadata[0]]:
                problem(f"{identifier}: oai_dc does not give the identifier")
        else:
            if metadata[0].tag != f"{{{RDF}}}RDF":
                problem(f"{identifier}: rdf metadata is {metadata[0].tag}")
            else:
                graph = rdflib.Graph()
                graph.parse(data=etree.tostring(metadata[0]), format="xml")
                if (rdflib.URIRef(identifier), None, None) not in graph:
                    problem(f"{identifier}: its RDF/XML says nothing about it")
    return identifier, deleted, datestamp


def harvest_records(sickle, fmt, set_spec, set_specs, since):
    """identifier -> (deleted, datestamp) of one ListRecords harvest."""
    params = {"metadataPrefix": fmt, "ignore_deleted": False}
    if set_spec:
        params["set"] = set_spec
    if since:
        params["from"] = since
    found = {}
    try:
        for record in sickle.ListRecords(**params):
            if record.header.identifier in found:
                problem(f"{record.header.identifier} listed twice in {fmt}/{set_spec}")
            found[record.header.identifier] = (record.header.deleted, record.header.datestamp)
            if set_spec and set_spec not in record.header.setSpecs:
                problem(f"{record.header.identifier} listed in set {set_spec} without its setSpec")
    except NoRecordsMatch:
        pass
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--expect-live", type=int, required=True)
    parser.add_argument("--from", dest="since")
    parser.add_argument("--expect-deleted", action="append", default=[])
    args = parser.parse_args()

    sickle = RecordingSickle(args.endpoint, max_retries=0)
    identify = sickle.Identify()
    if identify.deletedRecord != "persistent" or identify.protocolVersion != "2.0":
        problem(f"Identify: {identify.deletedRecord}, {identify.protocolVersion}")
    set_specs = [s.setSpec for s in sickle.ListSets()]
    if not set_specs:
        problem("no sets")

    union = {}
    per_format = {}
    for fmt in ("oai_dc", "rdf"):
        seen = {}
        for spec in set_specs:
            for identifier, state in harvest_records(sickle, fmt, spec, set_specs, args.since).items():
                if identifier in seen and seen[identifier] != state:
                    problem(f"{identifier}: different headers in two sets")
                seen[identifier] = state
        per_format[fmt] = seen
        union.update(seen)
    if per_format["oai_dc"] != per_format["rdf"]:
        problem("the two formats list different records")

    # The repository without sets, headers only: the same records.
    whole = {}
    try:
        for header in sickle.ListIdentifiers(
            metadataPrefix="oai_dc", ignore_deleted=False, **({"from": args.since} if args.since else {})
        ):
            whole[header.identifier] = (header.deleted, header.datestamp)
    except NoRecordsMatch:
        pass
    if whole != union:
        missing = set(union) ^ set(whole)
        problem(f"ListIdentifiers and the per-set harvests disagree on {sorted(missing)[:5]}")

    # Every response, checked with lxml.
    resumed = 0
    for params, raw in sickle.responses:
        root = check_envelope(params, raw)
        if root is None:
            continue
        if "resumptionToken" in params:
            resumed += 1
        fmt = params.get("metadataPrefix")
        if fmt is None and "resumptionToken" in params:
            fmt = params["resumptionToken"].split(":")[1]
        for record in root.iter(f"{{{OAI}}}record"):
            check_record(params, record, fmt, set_specs)
        for header in root.iter(f"{{{OAI}}}header"):
            if args.since and (header.findtext(f"{{{OAI}}}datestamp") or "") < args.since:
                problem(f"{header.findtext(f'{{{OAI}}}identifier')} is dated before from={args.since}")
    if resumed == 0:
        problem("no resumption token was followed: the page size did not force paging")

    live = sorted(i for i, (deleted, _) in union.items() if not deleted)
    deleted = sorted(i for i, (d, _) in union.items() if d)
    if len(live) != args.expect_live:
        problem(f"{len(live)} live records, expected {args.expect_live}")
    for iri in args.expect_deleted:
        if iri not in deleted:
            problem(f"{iri} is not listed as deleted (deleted: {deleted[:10]})")
    print(
        json.dumps(
            {
                "sets": set_specs,
                "live": len(live),
                "deleted": deleted,
                "requests": len(sickle.responses),
                "resumed": resumed,
            },
            ensure_ascii=False,
        )
    )
    if problems:
        print("\n".join(problems[:50]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
