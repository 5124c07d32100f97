#!/usr/bin/env python3
"""Deterministic generator of Berlin SPARQL Benchmark (BSBM) data as N-Triples.

Follows the BSBM dataset schema (BSBM specification V3, section 2, and the sample output of
the original generator in ../shared/data/bsbm-sample): a product type hierarchy whose depth and
branching grow with the scale, product features attached to types, producers and their products,
vendors and their offers, rating sites with reviewers and reviews, and dc:publisher / dc:date
provenance on every instance. Ratios are the original generator's: 20 offers and 10 reviews per
product on average, about 50 products per producer, 2000 offers per vendor, 20 reviews per
reviewer, 10000 reviews per rating site. About 2,785 products make 1M triples.

Words for labels, comments and texts, and the reviewers' given names, are taken from the sample
files (the original generator's dictionaries are not available here); without them a synthetic
dictionary is used. The output is streamed: only small per-product facts stay in memory.

Besides the N-Triples file it writes FILE.params.json: the facts a test driver needs to draw
query parameters from the data (like the original generator's td_data directory).

    python3 generate.py --products 2785 --output bsbm-2785.nt [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import random
import sys
from pathlib import Path

VOCAB = "http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/"
INST = "http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/instances/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DC = "http://purl.org/dc/elements/1.1/"
FOAF = "http://xmlns.com/foaf/0.1/"
REV = "http://purl.org/stuff/rev#"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRY = "http://downlode.org/rdf/iso-3166/countries#"

# The original generator's "today": offers and reviews are dated relative to it, and the test
# driver's %currentDate% is this day.
TODAY = dt.date(2008, 6, 20)

# Country weights of the original generator, and the language a reviewer from there writes in.
COUNTRIES = [("US", 40), ("GB", 10), ("JP", 10), ("CN", 10), ("DE", 5), ("FR", 5),
             ("ES", 5), ("RU", 5), ("KR", 5), ("AT", 5)]
LANGUAGE = {"US": "en", "GB": "en", "JP": "ja", "CN": "zh", "DE": "de", "FR": "fr",
            "ES": "es", "RU": "ru", "KR": "ko", "AT": "de"}

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "shared/data/bsbm-sample"


# --- IRIs (shared with run.py) -------------------------------------------------------------

def product_type_iri(nr: int) -> str:
    return f"{INST}ProductType{nr}"


def feature_iri(nr: int) -> str:
    return f"{INST}ProductFeature{nr}"


def producer_iri(producer: int) -> str:
    return f"{INST}dataFromProducer{producer}/Producer{producer}"


def product_iri(producer: int, nr: int) -> str:
    return f"{INST}dataFromProducer{producer}/Product{nr}"


def vendor_iri(vendor: int) -> str:
    return f"{INST}dataFromVendor{vendor}/Vendor{vendor}"


def offer_iri(vendor: int, nr: int) -> str:
    return f"{INST}dataFromVendor{vendor}/Offer{nr}"


def rating_site_iri(site: int) -> str:
    return f"{INST}dataFromRatingSite{site}/RatingSite{site}"


def reviewer_iri(site: int, nr: int) -> str:
    return f"{INST}dataFromRatingSite{site}/Reviewer{nr}"


def review_iri(site: int, nr: int) -> str:
    return f"{INST}dataFromRatingSite{site}/Review{nr}"


def institution_iri(nr: int) -> str:
    return f"{INST}StandardizationInstitution{nr}"


# --- dictionaries ----------------------------------------------------------------------------

def load_dictionaries(sample_dir: Path) -> tuple[list[str], list[str]]:
    """Words and given names, from the sample files when present."""
    words: set[str] = set()
    names: set[str] = set()
    files = sorted(sample_dir.glob("*.rdfjson.jsonl")) if sample_dir.is_dir() else []
    for file in files:
        with open(file, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                t = json.loads(line)
                o = t["object"]
                if o["type"] == "uri":
                    continue
                if t["predicate"]["value"] == FOAF + "name":
                    names.update(o["value"].split("-"))
                elif not o.get("datatype", "").startswith(XSD + "date") and not o.get(
                    "datatype", ""
                ).endswith(("integer", "USD")):
                    words.update(w for w in o["value"].split() if w.isalpha())
    if len(words) < 1000 or len(names) < 5:
        rng = random.Random(1)
        syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]
        words = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20000)}
        names = {w.capitalize() for w in list(sorted(words))[:200]}
    return sorted(words), sorted(names)


# --- the original generator's random distributions ------------------------------------------

class Values:
    def __init__(self, seed: int, words: list[str], names: list[str]):
        self.r = random.Random(seed)
        self.words = words
        self.names = names

    def int(self, lo: int, hi: int) -> int:
        return self.r.randint(lo, hi)

    def chance(self, percent: int) -> bool:
        return self.r.random() * 100 < percent

    def sentence(self, lo: int, hi: int) -> str:
        return " ".join(self.r.choice(self.words) for _ in range(self.r.randint(lo, hi)))

    def name(self) -> str:
        if self.chance(30):
            return self.r.choice(self.names)
        return f"{self.r.choice(self.names)}-{self.r.choice(self.names)}"

    def normal_count(self, avg: float) -> int:
        """A count around avg (normal, mean 3, deviation 1, scaled to avg), at least 1."""
        return max(1, round(self.r.gauss(3, 1) / 3 * avg))

    def normal_range(self, mu: float, sigma: float, max_value: int, limit: float) -> int:
        """1..max_value, a normal distribution cut to [0, limit) and stretched."""
        while True:
            z = self.r.gauss(mu, sigma)
            if 0 <= z < limit:
                return int(z / limit * max_value) + 1

    def country(self) -> str:
        x = self.r.random() * 100
        for code, weight in COUNTRIES:
            x -= weight
            if x < 0:
                return code
        return COUNTRIES[-1][0]

    def date(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.r.randint(0, (hi - lo).days))

    def sha1(self) -> str:
        return hashlib.sha1(self.r.getrandbits(64).to_bytes(8, "big")).hexdigest()


# --- N-Triples output ------------------------------------------------------------------------

def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


class Out:
    def __init__(self, f):
        self.f = f
        self.count = 0

    def iri(self, s: str, p: str, o: str) -> None:
        self.f.write(f"<{s}> <{p}> <{o}> .\n")
        self.count += 1

    def lit(self, s: str, p: str, value: str, datatype: str | None = None, lang: str | None = None) -> None:
        if lang:
            obj = f'"{_escape(value)}"@{lang}'
        elif datatype:
            obj = f'"{_escape(value)}"^^<{datatype}>'
        else:
            obj = f'"{_escape(value)}"'
        self.f.write(f"<{s}> <{p}> {obj} .\n")
        self.count += 1

    def provenance(self, s: str, publisher: str, date: dt.date) -> None:
        self.iri(s, DC + "publisher", publisher)
        self.lit(s, DC + "date", date.isoformat(), XSD + "date")


def branching_factors(products: int) -> list[int]:
    """The original generator's type hierarchy shape: depth log10(n)/2 + 1, root fan-out
    2*log10(n), inner levels 8, last level 2, 4 or 8."""
    log_sf = math.log10(max(products, 10))
    depth = math.floor(log_sf / 2 + 0.5) + 1
    factors = [2 * math.floor(log_sf + 0.5)]
    for i in range(1, depth):
        factors.append(8 if i + 1 < depth else (2, 4, 8)[math.floor(log_sf * 3 / 2 + 1 + 0.5) % 3])
    return factors


def generate(products: int, out_path: Path, seed: int = 1, sample_dir: Path = SAMPLE_DIR) -> dict:
    words, names = load_dictionaries(sample_dir)
    seeds = random.Random(seed)
    v = Values(seeds.getrandbits(63), words, names)
    tmp = out_path.with_name(out_path.name + ".part")
    params: dict = {"products": products, "seed": seed, "today": TODAY.isoformat()}
    with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as f:
        o = Out(f)

        # Product type hierarchy (breadth first, like the original).
        factors = branching_factors(products)
        parent = {1: None}
        depth_of = {1: 0}
        t0, t1 = dt.date(2000, 6, 20), dt.date(2000, 7, 23)

        def emit_type(nr: int, label: str, comment: str) -> None:
            s = product_type_iri(nr)
            o.iri(s, RDF_TYPE, VOCAB + "ProductType")
            o.lit(s, RDFS + "label", label)
            o.lit(s, RDFS + "comment", comment)
            if parent[nr] is not None:
                o.iri(s, RDFS + "subClassOf", product_type_iri(parent[nr]))
            o.provenance(s, institution_iri(1), v.date(t0, t1))

        emit_type(1, "Thing", "The Product Type of all Products")
        queue, leaves, inner, nr = [1], [], [1], 1
        while queue:
            pt = queue.pop(0)
            for _ in range(factors[depth_of[pt]]):
                nr += 1
                parent[nr], depth_of[nr] = pt, depth_of[pt] + 1
                emit_type(nr, v.sentence(1, 3), v.sentence(20, 50))
                if depth_of[pt] == len(factors) - 1:
                    leaves.append(nr)
                else:
                    inner.append(nr)
                    queue.append(nr)

        # Product features: a range of counts per level, inner types first, then leaves.
        leaf_depth = len(factors)
        depth_sum = leaf_depth * (leaf_depth + 1) // 2 - 1
        f_from = [5] + [35 * i // depth_sum for i in range(2, leaf_depth + 1)]
        f_to = [5] + [75 * i // depth_sum for i in range(2, leaf_depth + 1)]
        features: dict[int, list[int]] = {}
        fnr = 0
        for pt in inner[1:] + leaves:
            level = depth_of[pt] if pt in inner else depth_of[pt] - 1
            own = []
            for _ in range(v.int(f_from[level], f_to[level])):
                fnr += 1
                s = feature_iri(fnr)
                o.iri(s, RDF_TYPE, VOCAB + "ProductFeature")
                o.lit(s, RDFS + "label", v.sentence(1, 3))
                o.lit(s, RDFS + "comment", v.sentence(20, 50))
                o.provenance(s, institution_iri(1), v.date(t0, t1))
                own.append(fnr)
            features[pt] = own

        def chain(pt: int) -> list[int]:
            types = []
            while pt is not None:
                types.append(pt)
                pt = parent[pt]
            return types

        # Producers and their products.
        product_rows = []  # [nr, producer, leaf, num1, num2, num3, features]
        label_words: set[str] = set()  # for query 6's %word1%
        producer_of = [0] * (products + 1)
        pnr, producer = 1, 0
        while pnr <= products:
            producer += 1
            s = producer_iri(producer)
            o.iri(s, RDF_TYPE, VOCAB + "Producer")
            o.lit(s, RDFS + "label", v.sentence(1, 3))
            o.lit(s, RDFS + "comment", v.sentence(20, 50))
            o.iri(s, FOAF + "homepage", f"http://www.Producer{producer}.com/")
            o.iri(s, VOCAB + "country", COUNTRY + v.country())
            o.provenance(s, s, v.date(dt.date(2000, 8, 20), dt.date(2005, 7, 23)))
            count = min(v.normal_count(50), products - pnr + 1)
            for nr in range(pnr, pnr + count):
                producer_of[nr] = producer
                s = product_iri(producer, nr)
                leaf = leaves[v.normal_range(0, 1, len(leaves), 2) - 1]
                label = v.sentence(1, 3)
                label_words.update(label.split())
                o.iri(s, RDF_TYPE, VOCAB + "Product")
                o.lit(s, RDFS + "label", label)
                o.lit(s, RDFS + "comment", v.sentence(50, 150))
                for t in chain(leaf):
                    o.iri(s, RDF_TYPE, product_type_iri(t))
                o.iri(s, VOCAB + "producer", producer_iri(producer))
                kind = (1, 1, 2, 3, 3)[v.int(0, 4)]  # 40% / 20% / 40%
                num = [v.normal_range(0, 1, 2000, 2) for _ in range(3)]
                text = [v.sentence(3, 15) for _ in range(3)]
                for i in range(3):
                    o.lit(s, f"{VOCAB}productPropertyNumeric{i + 1}", str(num[i]), XSD + "integer")
                    o.lit(s, f"{VOCAB}productPropertyTextual{i + 1}", text[i], XSD + "string")
                for prop, has_num, has_text in (
                    (4, kind == 1 or (kind == 2 and v.chance(50)), kind == 1 or (kind == 2 and v.chance(50))),
                    (5, kind == 1 or (kind != 1 and v.chance(25)), kind == 1 or (kind != 1 and v.chance(25))),
                    (6, kind == 3 and v.chance(50), kind == 3 and v.chance(50)),
                ):
                    if has_num:
                        o.lit(s, f"{VOCAB}productPropertyNumeric{prop}",
                              str(v.normal_range(0, 1, 2000, 2)), XSD + "integer")
                    if has_text:
                        o.lit(s, f"{VOCAB}productPropertyTextual{prop}", v.sentence(3, 15), XSD + "string")
                mine = [f for t in chain(leaf)[:-1] for f in features[t] if v.chance(25)]
                for feat in mine:
                    o.iri(s, VOCAB + "productFeature", feature_iri(feat))
                o.provenance(s, producer_iri(producer), v.date(dt.date(2000, 10, 20), dt.date(2007, 1, 23)))
                product_rows.append([nr, producer, leaf, num[0], num[1], num[2], sorted(mine)])
            pnr += count

        # Vendors and their offers.
        offer_count = products * 20
        vendor_countries: dict[int, str] = {}
        offer_vendor_ends = []  # last offer number of each vendor
        q10_offers = []  # offers a %ProductXYZ% of query 10 can be drawn from
        onr, vendor = 1, 0
        recent = (TODAY - dt.timedelta(days=97), TODAY)
        while onr <= offer_count:
            vendor += 1
            s = vendor_iri(vendor)
            country = v.country()
            vendor_countries[vendor] = country
            o.iri(s, RDF_TYPE, VOCAB + "Vendor")
            o.lit(s, RDFS + "label", v.sentence(1, 3))
            o.lit(s, RDFS + "comment", v.sentence(20, 50))
            o.iri(s, FOAF + "homepage", f"http://www.vendor{vendor}.com/")
            o.iri(s, VOCAB + "country", COUNTRY + country)
            o.provenance(s, s, v.date(*recent))
            count = min(v.normal_count(2000), offer_count - onr + 1)
            for nr in range(onr, onr + count):
                s = offer_iri(vendor, nr)
                product = v.normal_range(2, 1, products, 4)
                published = v.date(*recent)
                valid_from = published - dt.timedelta(days=v.int(0, 90))
                valid_to = published + dt.timedelta(days=v.int(7, 90))
                days = v.normal_range(2, 1, 21, 14.2)
                o.iri(s, RDF_TYPE, VOCAB + "Offer")
                o.iri(s, VOCAB + "product", product_iri(producer_of[product], product))
                o.iri(s, VOCAB + "vendor", vendor_iri(vendor))
                o.lit(s, VOCAB + "price", f"{v.r.uniform(5, 10000):.2f}", VOCAB + "USD")
                o.lit(s, VOCAB + "validFrom", valid_from.isoformat() + "T00:00:00", XSD + "dateTime")
                o.lit(s, VOCAB + "validTo", valid_to.isoformat() + "T00:00:00", XSD + "dateTime")
                o.lit(s, VOCAB + "deliveryDays", str(days), XSD + "integer")
                o.iri(s, VOCAB + "offerWebpage", f"{INST}dataFromVendor{vendor}/Offer{nr}/")
                o.provenance(s, vendor_iri(vendor), published)
                if country == "US" and days <= 3 and valid_to > TODAY:
                    q10_offers.append([nr, vendor, product])
            onr += count
            offer_vendor_ends.append(onr - 1)

        # Rating sites, reviewers and reviews.
        review_count = products * 10
        review_site_ends = []
        en_products: set[int] = set()
        rnr, person, site = 1, 0, 0
        while rnr <= review_count:
            site += 1
            site_end = min(rnr + v.normal_count(10000), review_count + 1)
            while rnr < site_end:
                person += 1
                s = reviewer_iri(site, person)
                country = v.country()
                o.iri(s, RDF_TYPE, FOAF + "Person")
                o.lit(s, FOAF + "name", v.name())
                o.lit(s, FOAF + "mbox_sha1sum", v.sha1())
                o.iri(s, VOCAB + "country", COUNTRY + country)
                o.provenance(s, rating_site_iri(site), v.date(dt.date(2008, 6, 20), dt.date(2008, 9, 23)))
                count = min(v.normal_count(20), site_end - rnr)
                for nr in range(rnr, rnr + count):
                    r = review_iri(site, nr)
                    product = v.normal_range(2, 1, products, 4)
                    reviewed = v.date(TODAY - dt.timedelta(days=365), TODAY)
                    o.iri(r, RDF_TYPE, REV + "Review")
                    o.iri(r, VOCAB + "reviewFor", product_iri(producer_of[product], product))
                    o.iri(r, REV + "reviewer", s)
                    o.lit(r, VOCAB + "reviewDate", reviewed.isoformat() + "T00:00:00", XSD + "dateTime")
                    o.lit(r, DC + "title", v.sentence(4, 15))
                    o.lit(r, REV + "text", v.sentence(50, 200), lang=LANGUAGE[country])
                    for i in range(1, 5):
                        if v.chance(70):
                            o.lit(r, f"{VOCAB}rating{i}", str(v.int(1, 10)), XSD + "integer")
                    o.provenance(r, rating_site_iri(site), v.date(reviewed, TODAY))
                    if LANGUAGE[country] == "en":
                        en_products.add(product)
                rnr += count
            review_site_ends.append(rnr - 1)
        triples = o.count

    os.replace(tmp, out_path)
    params.update(
        triples=triples,
        types={"parent": {str(k): p for k, p in parent.items()}, "depth": {str(k): d for k, d in depth_of.items()},
               "leaves": leaves, "features": {str(k): f for k, f in features.items()}},
        product_rows=product_rows,
        producer_of=producer_of,
        offer_vendor_ends=offer_vendor_ends,
        vendor_countries={str(k): c for k, c in vendor_countries.items()},
        q10_offers=q10_offers,
        review_site_ends=review_site_ends,
        en_products=sorted(en_products),
        label_words=sorted(label_words),
        counts={"product_types": len(parent), "features": fnr, "producers": producer, "vendors": vendor,
                "offers": offer_count, "rating_sites": site, "reviewers": person, "reviews": review_count},
    )
    with open(params_path(out_path), "w", encoding="utf-8") as f:
        json.dump(params, f, separators=(",", ":"))
    return params


def params_path(out_path: Path) -> Path:
    return out_path.with_name(out_path.name + ".params.json")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, required=True, help="scale: 2785 products ~ 1M triples")
    ap.add_argument("--output", type=Path, required=True, help="N-Triples file to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample-dir", type=Path, default=SAMPLE_DIR,
                    help="folder of the BSBM sample files the dictionaries are taken from")
    args = ap.parse_args()
    p = generate(args.products, args.output, args.seed, args.sample_dir)
    c = p["counts"]
    print(f"{p['triples']} triples in {args.output}: {args.products} products, {c['product_types']} product types, "
          f"{c['features']} features, {c['producers']} producers, {c['vendors']} vendors, {c['offers']} offers, "
          f"{c['rating_sites']} rating sites, {c['reviewers']} reviewers, {c['reviews']} reviews", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
