#!/usr/bin/env python3
"""Dereferencing under load, side by side: Jiyi's /doc/… as Turtle against Oxigraph's own
server answering the equivalent `DESCRIBE <iri>`, on the same data, in the same run.

1. Generates the demo scaled up (generate.py: NPM-shaped objects and Qing records, ~1.1 M
   triples by default) and ingests it with `jiyi ingest` and the demo mappings into a fresh
   store; `jiyi serve` publishes it. The store must hold at least --min-triples triples.
2. Exports every published graph through Jiyi's Graph Store (`GET /graph-store?graph=…`) and
   bulk-loads the export with `oxigraph load`; `oxigraph serve-read-only` (Oxigraph 0.5.13 from
   PyPI, the engine Jiyi embeds) serves it. Both servers must count the same triples.
3. Checks, for --check things of the sample, that the answers are equivalent (rdflib parses
   both, blank nodes compared by their content): every triple of Oxigraph's DESCRIBE (the
   thing's triples and its blank-node closure) is in Jiyi's document, and every triple Jiyi
   adds is either in the store too (the closure over same-document hash IRIs such as
   `…#production`, labels of linked resources) or about the document itself (licence, rights
   holder, dataset, provenance). Anything else is a mismatch: the script exits 1.
4. Drives both with wrk at --connections connections: Jiyi's /doc/{kind}/{key} with
   `Accept: text/turtle`, Oxigraph's `/query?query=DESCRIBE <iri>` with `Accept: text/turtle`,
   cycling through the same random sample of things; a warm-up per server, then --rounds
   rounds of --duration seconds each, the order alternating (J,O then O,J…). Prints
   requests/s and latency percentiles of each, and the ratio Jiyi/Oxigraph. The targets
   (≥ 1.5× Oxigraph's throughput, Jiyi's p99 ≤ 20 ms) are reported, never enforced: slowness
   does not fail the run.

    python3 bench/deref/run.py --jiyi ~/.cache/jiyi/target/release/jiyi

Exit status: 0 equivalent answers, 1 a mismatch, 2 an error (a server answering other than
200, wrk socket errors, too few triples, different triple counts).

Needs wrk (Debian package; installed with apt-get when missing) and the bench venv
(bench/peers.py: oxigraph, rdflib; created on first use, the script re-runs itself in it).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the work tree

import peers  # noqa: E402
import generate  # noqa: E402

WORK = peers.CACHE / "deref"
TURTLE = "text/turtle"
# The things of the scaled demo: (CSV, key column, kind in /id/{kind}/{key}).
THINGS = [("npm-objects.csv", "識別碼", "object"), ("qing-archives.csv", "統一編號", "record")]
UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def iri_key(key: str) -> str:
    """A key as one IRI path segment, as Jiyi mints it (jiyi_model::iri::encode_key): ASCII
    outside the unreserved set percent-encoded, other characters (CJK) kept."""
    return "".join(ch if ch in UNRESERVED or ord(ch) > 0x7F
                   else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in key)


def uri_path(iri_path: str) -> str:
    """An IRI path as a URI path: non-ASCII as UTF-8 percent-escapes, escapes kept."""
    return urllib.parse.quote(iri_path, safe="/%-._~!$&'()*+,;=:@?")


# --- HTTP ------------------------------------------------------------------------------------

class Client:
    """Keep-alive GETs to one server."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, accept: str, method: str = "GET", body: bytes | None = None,
            content_type: str | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=3600)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self.conn.close()
                    self.conn = None
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed: once more on a new one.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
            except BaseException:
                self.conn.close()
                self.conn = None
                raise
        raise AssertionError("unreachable")

    def sparql(self, path: str, query: str, accept: str = "application/sparql-results+json"):
        return self.get(path, accept, "POST", query.encode("utf-8"), "application/sparql-query")

    def count(self, path: str, named_graphs: bool = False) -> int:
        # Jiyi's union default graph also holds the dump distributions (published metadata
        # outside any dataset graph, not exported through the Graph Store): count the
        # distinct triples of the named graphs, which is what the peer is loaded with.
        where = ("{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }" if named_graphs
                 else "{ ?s ?p ?o }")
        status, _, body = self.sparql(path, f"SELECT (COUNT(*) AS ?n) WHERE {where}")
        if status != 200:
            raise RuntimeError(f"COUNT on {path} answered {status}: {body[:300]!r}")
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# --- graphs and equivalence --------------------------------------------------------------------

def parse_turtle(body: bytes, base: str):
    import rdflib

    g = rdflib.Graph()
    g.parse(data=body, format="turtle", publicID=base)
    return g


def canonical(graph) -> set[tuple[str, str, str]]:
    """The triples with every blank node replaced by a signature of what it says (its
    properties and values, recursively), so graphs from two servers compare as sets even
    though their blank-node labels differ. Exact for the tree-shaped blank nodes Jiyi's
    mappings make; a cycle through blank nodes is cut at the repeat."""
    import rdflib

    memo: dict = {}

    def sig(node, path=()) -> str:
        if not isinstance(node, rdflib.BNode):
            return node.n3()
        if node in memo:
            return memo[node]
        if node in path:
            return "_:cycle"
        inner = sorted(f"{p.n3()} {sig(o, path + (node,))}" for p, o in graph.predicate_objects(node))
        memo[node] = "[" + " ; ".join(inner) + "]"
        return memo[node]

    return {(sig(s), p.n3(), sig(o)) for s, p, o in graph}


def next_pages(headers: dict[str, str], graph, doc_iri: str) -> list[str]:
    """Links to a next page: the `Link: <…>; rel="next"` header, hydra:next / hydra:nextPage."""
    import rdflib

    out = [m.group(1) for m in re.finditer(r'<([^>]*)>\s*;[^,]*?\brel="?next"?', headers.get("link", ""))]
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    for p in (hydra.next, hydra.nextPage):
        for s, o in graph.subject_objects(p):
            if str(s).startswith(doc_iri):
                out.append(str(o))
    return out


class Checker:
    """Compares Jiyi's document with Oxigraph's DESCRIBE for one thing at a time."""

    def __init__(self, jiyi: Client, ox: Client, base: str, ox_path: str):
        self.jiyi, self.ox, self.base, self.ox_path = jiyi, ox, base, ox_path
        self.mismatches: list[str] = []
        self.errors: list[str] = []
        self.compared = 0
        self.extra = {"hash IRI closure": 0, "linked resources": 0, "about the document": 0}
        self.sizes = {"jiyi": [], "oxigraph": []}

    def local(self, iri: str) -> str:
        """The server path of an IRI under the published base."""
        return "/" + uri_path(iri[len(self.base):]) if iri.startswith(self.base) else iri

    def describe(self, iris: list[str]):
        query = "DESCRIBE " + " ".join(f"<{i}>" for i in iris)
        status, headers, body = self.ox.get(f"{self.ox_path}?query={urllib.parse.quote(query, safe='')}", TURTLE)
        if status != 200:
            raise RuntimeError(f"oxigraph answered {status} to {query}: {body[:300]!r}")
        return parse_turtle(body, self.base)

    def document(self, path: str, doc_iri: str):
        """Jiyi's document, every page of it when it is paged."""
        import rdflib

        merged, seen, todo = rdflib.Graph(), set(), [path]
        while todo and len(seen) < 1000:
            p = todo.pop(0)
            if p in seen:
                continue
            seen.add(p)
            status, headers, body = self.jiyi.get(p, TURTLE)
            ctype = headers.get("content-type", "")
            if status != 200 or not ctype.startswith(TURTLE):
                raise RuntimeError(f"jiyi answered {status} ({ctype}) to GET {p} as Turtle: {body[:300]!r}")
            g = parse_turtle(body, self.base)
            merged += g
            for link in next_pages(headers, g, doc_iri):
                if not link.startswith("/"):
                    link = urllib.parse.urljoin(doc_iri, link)
                    if not link.startswith(self.base):
                        raise RuntimeError(f"{p} links to a next page outside the site: {link}")
                    link = self.local(link)
                todo.append(link)
        return merged

    def check(self, kind: str, key: str) -> None:
        import rdflib

        thing = f"{self.base}id/{kind}/{iri_key(key)}"
        doc_iri = f"{self.base}doc/{kind}/{iri_key(key)}"
        try:
            ours = self.document(self.local(doc_iri), doc_iri)
            theirs = self.describe([thing])
        except Exception as e:  # noqa: BLE001 - a failed fetch or parse is reported, not fatal
            self.errors.append(f"{thing}: {e}")
            return
        self.compared += 1
        self.sizes["jiyi"].append(len(ours))
        self.sizes["oxigraph"].append(len(theirs))
        c_ours, c_theirs = canonical(ours), canonical(theirs)
        missing = c_theirs - c_ours
        if missing:
            self.mismatches.append(f"{thing}: {len(missing)} of the DESCRIBE's {len(c_theirs)} triples are not in "
                                   f"Jiyi's document, e.g. {sorted(missing)[:3]}")
        extra = c_ours - c_theirs
        if not extra:
            return
        # What the store holds about every other IRI subject of the document: Jiyi's extra
        # triples must be store data or statements about the document itself.
        subjects = sorted({str(s) for s in ours.subjects() if isinstance(s, rdflib.URIRef)
                           and not str(s).startswith(doc_iri) and str(s) != thing})
        stored = canonical(self.describe(subjects)) if subjects else set()
        doc_nodes = self.document_nodes(ours, doc_iri)
        unexplained = []
        for t in extra:
            s = t[0]
            if t in stored:
                key_ = "hash IRI closure" if s.startswith(f"<{thing}#") or s.startswith("[") else "linked resources"
                self.extra[key_] += 1
            elif s.startswith(f"<{doc_iri}") or s in doc_nodes:
                self.extra["about the document"] += 1
            else:
                unexplained.append(t)
        if unexplained:
            self.mismatches.append(f"{thing}: Jiyi's document states {len(unexplained)} triples the store does not "
                                   f"hold and that are not about the document, e.g. {sorted(unexplained)[:3]}")

    @staticmethod
    def document_nodes(graph, doc_iri: str) -> set[str]:
        """Signatures of the blank nodes reached from the document's own IRI (its rights
        holder's names and the like)."""
        canon = canonical(graph)
        out: set[str] = set()
        frontier = {f"<{doc_iri}>"} | {s for s, _, _ in canon if s.startswith(f"<{doc_iri}")}
        while frontier:
            nxt = set()
            for s, _, o in canon:
                if s in frontier and o.startswith("[") and o not in out:
                    out.add(o)
                    nxt.add(o)
            frontier = nxt
        return out


# --- wrk -------------------------------------------------------------------------------------

def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    print("installing wrk (apt-get install wrk)", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("error: wrk is still missing after apt-get install wrk")
    return wrk


def wrk_run(wrk: str, url: str, paths: Path, args, seconds: float, report: Path) -> dict:
    cmd = [wrk, "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds:g}s",
           "--timeout", "30s", "-H", f"Accept: {TURTLE}", "-s", str(HERE / "paths.lua"), url]
    env = {**os.environ, "WRK_PATHS": str(paths), "WRK_REPORT": str(report)}
    report.unlink(missing_ok=True)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0 or not report.exists():
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    figures = json.loads(report.read_text())
    figures["command"] = " ".join(cmd)
    return figures


def profile(pid: int, load, seconds: float) -> str:
    """Samples `jiyi serve` (and its threads) with perf while `load` runs; writes the flat
    profile by symbol to WORK/perf-report.txt and returns its path."""
    if not shutil.which("perf"):
        raise RuntimeError("--perf needs perf (Debian: linux-perf)")
    data = WORK / "perf.data"
    rec = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(pid), "-o", str(data), "--",
                            "sleep", f"{seconds:g}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    load()
    _, err = rec.communicate()
    if rec.returncode != 0:
        raise RuntimeError(f"perf record failed: {err.decode('utf-8', 'replace')[-500:]}")
    out = WORK / "perf-report.txt"
    with open(out, "w") as f:
        for sort in ("dso", "symbol"):
            report = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "-g", "none",
                                     "--sort", sort, "--percent-limit", "0.3"], capture_output=True, text=True)
            # perf pads the symbol column to the widest name: trim it.
            f.write("\n".join(re.sub(r"[\s-]+$", "", line) for line in report.stdout.splitlines()) + "\n")
    print(f"perf profile of jiyi serve under load: {out}", file=sys.stderr)
    return str(out)


# --- the run ---------------------------------------------------------------------------------

def sample_things(data: Path, n: int, seed: int) -> list[tuple[str, str]]:
    things = []
    for filename, column, kind in THINGS:
        with open(data / filename, encoding="utf-8", newline="") as f:
            things += [(kind, row[column]) for row in csv.DictReader(f)]
    r = random.Random(seed)
    return r.sample(things, min(n, len(things)))


def ingest(jiyi: Path, data: Path, store: Path, base: str, log_dir: Path) -> list[str]:
    summaries = []
    for mapping in sorted((data / "mappings").glob("*.rml.ttl")):
        rejects = log_dir / f"{mapping.name}.rejects.jsonl"
        out = subprocess.run([str(jiyi), "ingest", "--mapping", str(mapping), "--store", str(store),
                              "--base", base, "--rejects", str(rejects)], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"jiyi ingest {mapping.name} failed:\n{out.stderr}")
        summary = out.stdout.strip()
        if not re.search(r"\b0 rejected\b", summary):
            raise RuntimeError(f"the generated data must map cleanly; rejects in {rejects}:\n{summary}")
        summaries.append(summary)
    return summaries


def export(jiyi: Client, target: Path, quads: bool) -> tuple[int, list[str]]:
    """Every published graph of Jiyi, through the Graph Store, into one file."""
    status, _, body = jiyi.sparql("/sparql", "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")
    if status != 200:
        raise RuntimeError(f"listing graphs answered {status}: {body[:300]!r}")
    graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    accept = "application/n-quads" if quads else "application/n-triples"
    lines = 0
    with open(target, "wb") as f:
        for g in graphs:
            status, _, body = jiyi.get(f"/graph-store?graph={urllib.parse.quote(g, safe='')}", accept)
            if status != 200:
                raise RuntimeError(f"GET /graph-store?graph={g} answered {status}: {body[:300]!r}")
            f.write(body)
            if body and not body.endswith(b"\n"):
                f.write(b"\n")
            lines += body.count(b"\n")
    return lines, graphs


def summarize(name: str, runs: list[dict]) -> dict:
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    errors = {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]}
    return {
        "server": name,
        "requests_per_s": requests / seconds if seconds else 0.0,
        "requests": requests,
        "seconds": seconds,
        "bytes_per_answer": sum(r["bytes"] for r in runs) / requests if requests else 0,
        # Percentiles cannot be merged across runs: the worst run's is reported, and each run's.
        "p50_ms": max(r["latency_us"]["p50"] for r in runs) / 1000,
        "p90_ms": max(r["latency_us"]["p90"] for r in runs) / 1000,
        "p99_ms": max(r["latency_us"]["p99"] for r in runs) / 1000,
        "max_ms": max(r["latency_us"]["max"] for r in runs) / 1000,
        "mean_ms": statistics.mean(r["latency_us"]["mean"] for r in runs) / 1000,
        "errors": errors,
        "runs": runs,
    }


def run(args) -> int:
    jiyi_bin = peers.jiyi_binary(args.jiyi)
    ox_bin = peers.oxigraph_cli(args.oxigraph)
    wrk = ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    procs = peers.Processes(workdir)
    base = args.base
    errors: list[str] = []
    result: dict = {"machine": peers.machine(), "jiyi_bin": str(jiyi_bin), "connections": args.connections,
                    "threads": args.threads, "duration_s": args.duration, "rounds": args.rounds,
                    "warmup_s": args.warmup, "sample": args.sample, "objects": args.objects,
                    "records": args.records, "seed": args.seed, "oxigraph_graphs": args.oxigraph_graphs}
    try:
        data = workdir / "data"
        generate.generate(data, args.objects, args.records, args.seed)
        print(f"generated {args.objects:,} objects and {args.records:,} records (seed {args.seed}) in {data}",
              file=sys.stderr)
        t0 = time.perf_counter()
        summaries = ingest(jiyi_bin, data, workdir / "jiyi", base, workdir)
        result["ingest_s"] = time.perf_counter() - t0
        for s in summaries:
            print(s, file=sys.stderr)

        jiyi_proc, host, port = procs.jiyi_serve(jiyi_bin, workdir / "jiyi", [*args.jiyi_arg])
        jiyi = Client(host, port)
        peers.wait_until(lambda: jiyi.get("/healthz", "text/plain")[0] == 200, "jiyi serve")
        jiyi_triples = jiyi.count("/sparql", named_graphs=True)
        result["triples"] = jiyi_triples
        print(f"jiyi store: {jiyi_triples:,} triples (distinct, in the published graphs); "
              f"ingest {result['ingest_s']:.1f} s", file=sys.stderr)
        if jiyi_triples < args.min_triples:
            raise RuntimeError(f"the store holds {jiyi_triples:,} triples, fewer than --min-triples "
                               f"{args.min_triples:,}: raise --objects/--records")

        quads = args.oxigraph_graphs == "union"
        dump = workdir / ("export.nq" if quads else "export.nt")
        t0 = time.perf_counter()
        lines, graphs = export(jiyi, dump, quads)
        result["export_s"] = time.perf_counter() - t0
        ox_location = workdir / "oxigraph"
        result["oxigraph_load_s"] = procs.oxigraph_load(ox_bin, ox_location, dump)
        ox_proc, ox_port = procs.oxigraph_serve(ox_bin, ox_location, ["--union-default-graph"] if quads else [])
        ox = Client("127.0.0.1", ox_port)

        def ox_ready() -> bool:
            if ox_proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve-read-only exited; see {workdir / 'oxigraph-serve.log'}")
            return ox.get("/query?query=ASK%7B%7D", "application/sparql-results+json")[0] == 200

        peers.wait_until(ox_ready, "oxigraph serve-read-only")
        ox_triples = ox.count("/query")
        result["oxigraph_triples"] = ox_triples
        print(f"exported {lines:,} {'quads' if quads else 'triples'} of {len(graphs)} graphs in "
              f"{result['export_s']:.1f} s; oxigraph load {result['oxigraph_load_s']:.1f} s, "
              f"{ox_triples:,} triples served", file=sys.stderr)
        if ox_triples != jiyi_triples:
            raise RuntimeError(f"the servers count different triples: jiyi {jiyi_triples:,}, oxigraph {ox_triples:,}")

        sample = sample_things(data, args.sample, args.seed)
        checker = Checker(jiyi, ox, base, "/query")
        for kind, key in sample[:args.check]:
            checker.check(kind, key)
        result["check"] = {"compared": checker.compared, "mismatches": checker.mismatches,
                           "errors": checker.errors, "extra_triples": checker.extra,
                           "mean_triples": {k: statistics.mean(v) if v else 0 for k, v in checker.sizes.items()}}
        errors += checker.errors
        print(f"compared {checker.compared} things: {len(checker.mismatches)} mismatches, "
              f"{len(checker.errors)} errors", file=sys.stderr)

        jiyi_paths, ox_paths = workdir / "jiyi.paths", workdir / "oxigraph.paths"
        jiyi_paths.write_text("".join(f"/doc/{kind}/{uri_path(iri_key(key))}\n" for kind, key in sample))
        ox_paths.write_text("".join(
            "/query?query=" + urllib.parse.quote(f"DESCRIBE <{base}id/{kind}/{iri_key(key)}>", safe="") + "\n"
            for kind, key in sample))
        targets = {"jiyi": (f"http://{host}:{port}", jiyi_paths), "oxigraph": (f"http://127.0.0.1:{ox_port}", ox_paths)}
        result["load_before"] = peers.load_average()
        for name, (url, paths) in targets.items():
            if args.warmup > 0:
                print(f"warm-up {name} {args.warmup:g} s", file=sys.stderr)
                wrk_run(wrk, url, paths, args, args.warmup, workdir / "wrk.json")
        runs: dict[str, list[dict]] = {"jiyi": [], "oxigraph": []}
        for r in range(args.rounds):
            order = ["jiyi", "oxigraph"] if r % 2 == 0 else ["oxigraph", "jiyi"]
            for name in order:
                url, paths = targets[name]
                figures = wrk_run(wrk, url, paths, args, args.duration, workdir / "wrk.json")
                runs[name].append(figures)
                print(f"round {r + 1}/{args.rounds} {name}: {figures['requests'] / (figures['duration_us'] / 1e6):,.0f} req/s, "
                      f"p99 {figures['latency_us']['p99'] / 1000:.2f} ms", file=sys.stderr)
        result["load_after"] = peers.load_average()
        result["servers"] = {name: summarize(name, rs) for name, rs in runs.items()}
        for name, s in result["servers"].items():
            if any(s["errors"].values()):
                errors.append(f"{name}: wrk counted errors {s['errors']} (status = answers other than 2xx/3xx)")
        result["wrk_commands"] = {name: rs[0]["command"] for name, rs in runs.items()}
        if args.perf > 0:
            url, paths = targets["jiyi"]
            result["perf_report"] = profile(jiyi_proc.pid, lambda: wrk_run(wrk, url, paths, args, args.perf,
                                                                        workdir / "wrk.json"), args.perf)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        errors.append(str(e))
    finally:
        procs.stop()
        if args.keep:
            print(f"stores, data and logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    result["errors"] = errors
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    mismatches = result.get("check", {}).get("mismatches", [])
    if mismatches:
        print(f"\n!!! MISMATCH: {len(mismatches)} of {result['check']['compared']} things differ !!!", file=sys.stderr)
        for m in mismatches[:10]:
            print(f"--- {m}", file=sys.stderr)
    if errors:
        print(f"\n!!! {len(errors)} ERRORS !!!", file=sys.stderr)
        for e in errors[:10]:
            print(f"--- {e}", file=sys.stderr)
    return 1 if mismatches else 2 if errors else 0


def report(result: dict) -> None:
    servers = result.get("servers")
    print()
    print(f"Dereferencing /doc/… (Turtle) vs Oxigraph DESCRIBE; {result.get('triples', 0):,} triples "
          f"({result['objects']:,} objects, {result['records']:,} records, seed {result['seed']}); "
          f"{result['sample']} things cycled; {result['connections']} connections, wrk {result['threads']} threads, "
          f"{result['rounds']} × {result['duration_s']:g} s per server after {result['warmup_s']:g} s warm-up")
    print(f"machine: {result['machine']}; load average before {result.get('load_before', '?')}, "
          f"after {result.get('load_after', '?')}")
    check = result.get("check")
    if check:
        mt = check["mean_triples"]
        print(f"equivalence: {check['compared']} things compared, {len(check['mismatches'])} mismatches; "
              f"mean triples per answer jiyi {mt['jiyi']:.1f}, oxigraph {mt['oxigraph']:.1f}; "
              f"jiyi's additions in total: " + ", ".join(f"{v} {k}" for k, v in check["extra_triples"].items()))
    if not servers:
        return
    print(f"{'server':>9} {'req/s':>9} {'mean ms':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>8} "
          f"{'bytes/answer':>12} {'errors':>7}")
    for name, s in servers.items():
        print(f"{name:>9} {s['requests_per_s']:>9,.0f} {s['mean_ms']:>8.2f} {s['p50_ms']:>7.2f} {s['p90_ms']:>7.2f} "
              f"{s['p99_ms']:>7.2f} {s['max_ms']:>8.1f} {s['bytes_per_answer']:>12,.0f} {sum(s['errors'].values()):>7}")
    j, o = servers["jiyi"], servers["oxigraph"]
    ratio = j["requests_per_s"] / o["requests_per_s"] if o["requests_per_s"] else 0.0
    result["ratio"] = ratio
    print(f"ratio jiyi/oxigraph: {ratio:.2f}x requests/s (target >= 1.5: {'met' if ratio >= 1.5 else 'NOT met'}); "
          f"jiyi p99 {j['p99_ms']:.2f} ms (target <= 20 ms: {'met' if j['p99_ms'] <= 20 else 'NOT met'}), "
          f"oxigraph p99 {o['p99_ms']:.2f} ms")
    for name, s in servers.items():
        per_run = ", ".join(f"{r['requests'] / (r['duration_us'] / 1e6):,.0f} req/s p99 {r['latency_us']['p99'] / 1000:.1f} ms"
                            for r in s["runs"])
        print(f"  {name} runs: {per_run}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jiyi", help="jiyi binary (default $JIYI_BIN, else a release build)")
    ap.add_argument("--jiyi-arg", action="append", default=[], help="one more argument for `jiyi serve` (repeatable)")
    ap.add_argument("--oxigraph", help="oxigraph CLI (default: the one of the bench venv)")
    ap.add_argument("--oxigraph-graphs", choices=["default", "union"], default="default",
                    help="default: the export as triples in Oxigraph's default graph (its fastest DESCRIBE); "
                         "union: as quads in their named graphs, served with --union-default-graph")
    ap.add_argument("--objects", type=int, default=10_000, help="generated objects")
    ap.add_argument("--records", type=int, default=14_000, help="generated archive records")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generator and of the sample")
    ap.add_argument("--min-triples", type=int, default=1_000_000, help="fail unless the store holds this many")
    ap.add_argument("--base", default="https://data.example.tw/", help="published base IRI")
    ap.add_argument("--sample", type=int, default=2000, help="things the load cycles through")
    ap.add_argument("--check", type=int, default=200, help="things whose answers are compared")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--duration", type=float, default=30, help="seconds per measured run")
    ap.add_argument("--warmup", type=float, default=10, help="seconds of warm-up per server")
    ap.add_argument("--rounds", type=int, default=2, help="measured runs per server, order alternating")
    ap.add_argument("--perf", type=float, default=0,
                    help="afterwards, profile jiyi serve with perf for this many seconds under the same load "
                         "(flat profile in ~/.cache/jiyi/deref/perf-report.txt)")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the data, stores and logs")
    args = ap.parse_args()
    if min(args.connections, args.threads, args.rounds, args.sample) < 1 or args.duration <= 0:
        ap.error("--connections, --threads, --rounds, --sample and --duration must be positive")
    if args.threads > args.connections:
        ap.error("--threads must not exceed --connections")
    peers.ensure_environment(__file__, ["rdflib"])
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
