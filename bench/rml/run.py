#!/usr/bin/env python3
"""Side-by-side RML benchmark: `jiyi map` against Morph-KGC on the same mapping and input.

For each input it runs both engines one after the other, prints triples per second of each,
the ratio, peak memory (GNU time's maximum resident set size) and the physical limit (the
time to copy the output file Jiyi wrote), and checks that both engines produced the same
set of quads: speed only counts with identical output. Inputs:
  - tate: the Tate artworks (../shared/data/tate, 69,202 JSON records) mapped with
    bench/rml/tate.rml.ttl;
  - csv-N: N generated museum-export rows (bench/rml/generate_csv.py) mapped with
    bench/rml/objects.rml.ttl, including a join to a creators table.

usage: bench/rml/run.py [--rows 1000000,5000000] [--jiyi PATH] [--skip-morph-above N]
                       [--repeat 5]

Each engine runs --repeat times per input and the median time is reported (peak memory: the
largest). Before every timed run the previous output is deleted and `sync` flushes what
earlier runs left in the page cache, so neither engine pays for the other's writes.

Morph-KGC (and the pyoxigraph it pins, used for the output comparison) comes from
scripts/install-deps, in ~/.cache/jiyi/morph-venv.
Exits non-zero on an engine failure or an output mismatch, never on slowness.
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = ROOT.parent / "shared"
CACHE = Path.home() / ".cache" / "jiyi"
WORK = CACHE / "rml-bench"
VENV = CACHE / "morph-venv"  # made by scripts/install-deps from tests/requirements-morph.txt
MORPH_VERSION = (ROOT / "tests" / "requirements-morph.txt").read_text().split("morph-kgc==")[1].split()[0]


def venv_python() -> str:
    subprocess.run([str(ROOT / "scripts" / "install-deps")], check=True, stdout=subprocess.DEVNULL)
    return str(VENV / "bin" / "python")


def jiyi_binary(given: str | None) -> str:
    if given:
        return given
    env = dict(os.environ, CARGO_TARGET_DIR=os.environ.get("CARGO_TARGET_DIR", str(CACHE / "target")))
    subprocess.run(["cargo", "build", "--release", "-p", "jiyi-cli"], cwd=ROOT, env=env, check=True)
    return str(Path(env["CARGO_TARGET_DIR"]) / "release" / "jiyi")


REPEAT = 5


def timed(cmd: list[str], cwd: Path, log: Path, output: Path) -> tuple[float, int]:
    """Runs cmd REPEAT times under GNU time, each time after deleting its output and
    flushing dirty pages; returns (median seconds, largest peak RSS in KiB)."""
    runs = []
    for _ in range(REPEAT):
        output.unlink(missing_ok=True)
        os.sync()
        runs.append(timed_once(cmd, cwd, log))
    seconds = sorted(s for s, _ in runs)[len(runs) // 2]
    return seconds, max(rss for _, rss in runs)


def timed_once(cmd: list[str], cwd: Path, log: Path) -> tuple[float, int]:
    """Runs cmd under GNU time; returns (seconds, peak RSS in KiB)."""
    rss_file = log.with_suffix(".rss")
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd], cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed (exit {proc.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    return seconds, int(rss_file.read_text().strip().splitlines()[-1])


def prepare_tate() -> Path:
    d = WORK / "tate"
    d.mkdir(parents=True, exist_ok=True)
    target = d / "tate.json"
    if not target.exists():
        with gzip.open(SHARED / "data" / "tate" / "artworks_all.jsonl.gz", "rt", encoding="utf-8") as src, open(target, "w", encoding="utf-8") as dst:
            dst.write("[")
            for i, line in enumerate(src):
                if line.strip():
                    dst.write(("," if i else "") + line.strip())
            dst.write("]")
    shutil.copy(HERE / "tate.rml.ttl", d / "mapping.rml.ttl")
    return d


def prepare_csv(rows: int) -> Path:
    d = WORK / f"csv-{rows}"
    if not (d / "objects.csv").exists():
        subprocess.run([sys.executable, str(HERE / "generate_csv.py"), str(rows), str(d)], check=True)
    shutil.copy(HERE / "objects.rml.ttl", d / "mapping.rml.ttl")
    return d


def canonical_sorted(py: str, nquads: Path, out: Path) -> int:
    """Parses an N-Quads file with pyoxigraph and writes its quads, one canonical line each,
    sorted and deduplicated (RDF is a set); returns the number of distinct quads."""
    # Engines may write an IRI in IRI form (Jiyi: RML-Core's IRI-safe encoding keeps 圖) or
    # URI form (Morph-KGC: %E5%9C%96); RFC 3987 maps each IRI to one URI, so both sides are
    # compared in URI form. Language tags compare lower-cased (BCP 47 is case-insensitive).
    script = (
        "import re, sys, pyoxigraph\n"
        "from urllib.parse import quote\n"
        "safe = ''.join(chr(c) for c in range(0x21, 0x7F))\n"
        "iri = re.compile(r'<([^>]*)>')\n"
        "lang = re.compile(r'\"@([A-Za-z0-9-]+)')\n"
        "with open(sys.argv[2], 'w', encoding='utf-8') as out:\n"
        "    for q in pyoxigraph.parse(sys.argv[1], 'application/n-quads'):\n"
        "        line = str(q)\n"
        "        if not line.isascii():\n"
        "            line = iri.sub(lambda m: '<' + quote(m.group(1), safe=safe) + '>', line)\n"
        "        line = lang.sub(lambda m: '\"@' + m.group(1).lower(), line)\n"
        "        out.write(line + '\\n')\n"
    )
    unsorted = out.with_suffix(".unsorted")
    subprocess.run([py, "-c", script, str(nquads), str(unsorted)], check=True)
    subprocess.run(["sort", "-u", "-S", "4G", "-o", str(out), str(unsorted)], env=dict(os.environ, LC_ALL="C"), check=True)
    unsorted.unlink()
    with open(out, "rb") as f:
        return sum(1 for _ in f)


def run_case(name: str, d: Path, jiyi: str, py: str, run_morph: bool) -> dict:
    print(f"\n== {name}", flush=True)
    jiyi_out = d / "jiyi.nq"
    j_sec, j_rss = timed([jiyi, "map", "--mapping", "mapping.rml.ttl", "--out", str(jiyi_out)], d, d / "jiyi.log", jiyi_out)
    start = time.perf_counter()
    shutil.copyfile(jiyi_out, d / "copy.nq")
    copy_sec = time.perf_counter() - start
    (d / "copy.nq").unlink()
    with open(jiyi_out, "rb") as f:
        j_lines = sum(1 for _ in f)
    result = {"case": name, "jiyi_s": j_sec, "jiyi_rss_mib": j_rss / 1024, "quads": j_lines, "copy_s": copy_sec, "bytes": jiyi_out.stat().st_size}
    print(f"jiyi map:   {j_lines:>11,} quads in {j_sec:7.2f} s = {j_lines / j_sec:>12,.0f} quads/s, peak RSS {j_rss / 1024:8.0f} MiB  (--dedup run, exact set)", flush=True)
    # Flat memory: duplicates removed within each record only (the output may repeat a quad).
    flat_out = d / "jiyi-record.nq"
    r_sec, r_rss = timed([jiyi, "map", "--dedup", "record", "--mapping", "mapping.rml.ttl", "--out", str(flat_out)], d, d / "jiyi-record.log", flat_out)
    with open(flat_out, "rb") as f:
        r_lines = sum(1 for _ in f)
    flat_out.unlink()
    result.update(jiyi_record_s=r_sec, jiyi_record_rss_mib=r_rss / 1024, jiyi_record_lines=r_lines)
    print(f"jiyi map:   {r_lines:>11,} lines in {r_sec:7.2f} s = {r_lines / r_sec:>12,.0f} lines/s, peak RSS {r_rss / 1024:8.0f} MiB  (--dedup record, flat memory)", flush=True)
    print(f"copy of the output file ({jiyi_out.stat().st_size / 2**20:.0f} MiB): {copy_sec:.2f} s — Jiyi takes {j_sec / copy_sec:.1f}× the physical limit", flush=True)
    if not run_morph:
        print("Morph-KGC: not run at this size (--skip-morph-above)")
        return result
    (d / "morph.ini").write_text(
        "[CONFIGURATION]\noutput_file=morph.nq\noutput_format=N-QUADS\nlogging_level=WARNING\n\n"
        "[DataSource]\nmappings=mapping.rml.ttl\n"
    )
    morph_out = d / "morph.nq"
    m_sec, m_rss = timed([py, "-m", "morph_kgc", "morph.ini"], d, d / "morph.log", morph_out)
    j_set = canonical_sorted(py, jiyi_out, d / "jiyi.sorted")
    m_set = canonical_sorted(py, morph_out, d / "morph.sorted")
    same = subprocess.run(["cmp", "-s", str(d / "jiyi.sorted"), str(d / "morph.sorted")]).returncode == 0
    result.update(morph_s=m_sec, morph_rss_mib=m_rss / 1024, jiyi_distinct=j_set, morph_distinct=m_set, identical=same)
    print(f"Morph-KGC:  {m_set:>11,} quads in {m_sec:7.2f} s = {m_set / m_sec:>12,.0f} quads/s, peak RSS {m_rss / 1024:8.0f} MiB", flush=True)
    print(f"ratio (Jiyi throughput / Morph-KGC throughput, distinct quads): {(j_set / j_sec) / (m_set / m_sec):.1f}×", flush=True)
    if same:
        print(f"output: identical sets of {j_set:,} quads")
    else:
        diff = subprocess.run(["comm", "-3", str(d / "jiyi.sorted"), str(d / "morph.sorted")], capture_output=True, text=True, env=dict(os.environ, LC_ALL="C")).stdout.splitlines()
        print(f"OUTPUT DIFFERS: {len(diff)} quads in one output only; first ones (Jiyi-only unindented, Morph-only indented):")
        for line in diff[:10]:
            print("   ", line)
    for f in ("jiyi.sorted", "morph.sorted"):
        (d / f).unlink(missing_ok=True)
    return result


def main() -> None:
    global REPEAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="1000000,5000000")
    ap.add_argument("--jiyi")
    ap.add_argument("--skip-morph-above", type=int, default=10**9)
    ap.add_argument("--no-tate", action="store_true")
    ap.add_argument("--repeat", type=int, default=REPEAT, help="runs per engine and input; the median counts")
    args = ap.parse_args()
    REPEAT = max(1, args.repeat)
    py = venv_python()
    jiyi = jiyi_binary(args.jiyi)
    print(f"jiyi: {jiyi}\nMorph-KGC {MORPH_VERSION}; machine: {os.cpu_count()} cores; median of {REPEAT} runs each")
    results = []
    if not args.no_tate:
        results.append(run_case("tate (69,202 JSON records)", prepare_tate(), jiyi, py, True))
    for rows in [int(r) for r in args.rows.split(",") if r]:
        results.append(run_case(f"csv {rows:,} rows", prepare_csv(rows), jiyi, py, rows <= args.skip_morph_above))
    print("\n" + json.dumps(results, indent=1))
    if any(r.get("identical") is False for r in results):
        sys.exit("outputs differ")


if __name__ == "__main__":
    main()
