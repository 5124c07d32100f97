#!/usr/bin/env python3
"""BSBM explore mix, side by side: Jiyi's /sparql against Oxigraph's own server, same data.

Generates BSBM data (generate.py, cached under ~/.cache/jiyi/bsbm/), bulk-loads it into an
Oxigraph store served by `oxigraph serve-read-only` (Oxigraph 0.5.13 from PyPI, the engine Jiyi
embeds) and uploads the same file into a fresh Jiyi store through the Graph Store protocol
(`PUT /graph-store?default`) of `jiyi serve`. Then it sends both servers exactly the same
sequence of explore query mixes (templates from ../shared/data/bsbm-sample/queries/explore, the
order of querymix.txt minus ignoreQueries.txt, parameters drawn from the data with a seeded RNG),
alternating which server goes first, and prints per-query mean times, query mixes per hour
(QMpH) for each server and the ratio Jiyi/Oxigraph.

Speed counts only with identical output: every answer of one server is compared with the other's
(SELECT: the multiset of solutions, DESCRIBE/CONSTRUCT: the graph, ASK: the boolean); a
mismatch is printed loudly and makes the exit status 1. Errors make it 2. Slowness never fails.

    python3 bench/bsbm/run.py --products 2785 --warmup 20 --mixes 100

Needs `oxigraph` (CLI) and `pyoxigraph` 0.5.13: when they are not importable it creates
~/.cache/jiyi/bench-venv, installs them there and re-runs itself with that interpreter.
The Jiyi binary is $JIYI_BIN, or --jiyi-bin, or built with `cargo build --release -p jiyi-cli`
(CARGO_TARGET_DIR=~/.cache/jiyi/target).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
QUERY_DIR = REPO.parent / "shared/data/bsbm-sample/queries/explore"
CACHE = Path.home() / ".cache/jiyi"
TOKEN = "secret"
BASE = "http://bsbm.example/"


# --- environment -----------------------------------------------------------------------------

sys.path.insert(0, str(HERE.parent))
import peers  # noqa: E402  (bench/peers.py: the venv, the binaries, the server processes)

from peers import free_port, machine, wait_until  # noqa: E402,F401


def ensure_environment() -> None:
    """Re-run under the bench venv unless pyoxigraph and the oxigraph CLI are at hand."""
    peers.ensure_environment(__file__, ["pyoxigraph"])


def jiyi_binary(given: str | None) -> Path:
    return peers.jiyi_binary(given)


def jiyi_env(args) -> dict[str, str]:
    env = dict(kv.split("=", 1) for kv in args.jiyi_env)
    return env


# --- HTTP ------------------------------------------------------------------------------------

class Endpoint:
    """One SPARQL endpoint; one keep-alive connection per client thread."""

    def __init__(self, name: str, host: str, port: int, path: str):
        self.name, self.host, self.port, self.path = name, host, port, path
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection(self.host, self.port, timeout=3600)
            self.local.conn = c
        return c

    def query(self, text: str, accept: str) -> tuple[float, int, str, bytes]:
        body = text.encode("utf-8")
        headers = {"Content-Type": "application/sparql-query", "Accept": accept,
                   "Accept-Encoding": "identity"}
        for attempt in (1, 2):
            conn = self._conn()
            try:
                start = time.perf_counter()
                conn.request("POST", self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                elapsed = time.perf_counter() - start
                if resp.will_close:
                    conn.close()
                    self.local.conn = None
                return elapsed, resp.status, resp.getheader("Content-Type", ""), data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed: retry once on a new one.
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
            except BaseException:
                conn.close()
                self.local.conn = None
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        c = getattr(self.local, "conn", None)
        if c is not None:
            c.close()


# --- servers ---------------------------------------------------------------------------------

class Servers(peers.Processes):
    def __init__(self, workdir: Path, log_dir: Path):
        super().__init__(log_dir)
        self.workdir = workdir

    def start_oxigraph(self, binary: Path, data: Path) -> tuple[Endpoint, float]:
        location = self.workdir / "oxigraph"
        load_s = self.oxigraph_load(binary, location, data)
        proc, port = self.oxigraph_serve(binary, location)
        ep = Endpoint("oxigraph", "127.0.0.1", port, "/query")

        def ready() -> bool:
            if proc.poll() is not None:
                raise RuntimeError("oxigraph serve-read-only exited; see oxigraph-serve.log")
            return ep.query("ASK {}", "application/sparql-results+json")[1] == 200

        wait_until(ready, "oxigraph serve-read-only")
        return ep, load_s

    def start_jiyi(self, binary: Path, data: Path, clients: int, extra: list[str],
                   env: dict[str, str]) -> tuple[Endpoint, float]:
        store = self.workdir / "jiyi"
        _, host, port = self.jiyi_serve(
            binary, store,
            ["--base", BASE, "--max-results", str(10**9), "--query-timeout", "600",
             "--max-concurrent-queries", str(max(4, clients)),
             "--max-upload", str(max(1 << 30, data.stat().st_size + (1 << 20))), *extra],
            {**env, "JIYI_WRITE_TOKEN": TOKEN})
        start = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=7200)
        with open(data, "rb") as f:
            conn.request("PUT", "/graph-store?default", body=f, headers={
                "Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}",
                "Content-Length": str(data.stat().st_size)})
            resp = conn.getresponse()
            answer = resp.read()
        conn.close()
        if resp.status not in (200, 201, 204):
            raise RuntimeError(f"Graph Store PUT answered {resp.status}: {answer[:500]!r}")
        return Endpoint("jiyi", host, port, "/sparql"), time.perf_counter() - start


# --- queries ---------------------------------------------------------------------------------

def xsd(value: str, datatype: str) -> str:
    return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>'


class Templates:
    def __init__(self, directory: Path):
        self.mix = [int(x) for x in (directory / "querymix.txt").read_text().split()]
        ignored = {int(x) for x in (directory / "ignoreQueries.txt").read_text().split()}
        self.mix = [q for q in self.mix if q not in ignored]
        self.text, self.kind = {}, {}
        for q in sorted(set(self.mix)):
            self.text[q] = (directory / f"query{q}.txt").read_text()
            desc = (directory / f"query{q}desc.txt").read_text()
            self.kind[q] = re.search(r"QueryType=(\w+)", desc).group(1).lower()


class Parameters:
    """Draws BSBM query parameters from the generator's facts (see README.md for the rules)."""

    def __init__(self, params: dict, seed: int):
        import generate as g

        self.g = g
        self.r = random.Random(seed)
        self.p = params
        t = params["types"]
        self.parent = {int(k): v for k, v in t["parent"].items()}
        self.depth = {int(k): v for k, v in t["depth"].items()}
        self.features = {int(k): v for k, v in t["features"].items()}
        self.products = params["product_rows"]
        self.by_nr = {row[0]: row for row in self.products}
        self.producer_of = params["producer_of"]
        self.vendor_ends = params["offer_vendor_ends"]
        self.site_ends = params["review_site_ends"]
        self.today = xsd(params["today"] + "T00:00:00", "dateTime")

    def iri(self, s: str) -> str:
        return f"<{s}>"

    def product(self, nr: int) -> str:
        return self.iri(self.g.product_iri(self.producer_of[nr], nr))

    def chain(self, pt: int) -> list[int]:
        out = []
        while pt is not None:
            out.append(pt)
            pt = self.parent[pt]
        return out

    def _owner(self, ends: list[int], nr: int) -> int:
        for i, end in enumerate(ends):
            if nr <= end:
                return i + 1
        raise ValueError(nr)

    def offer(self) -> str:
        nr = self.r.randint(1, self.p["counts"]["offers"])
        return self.iri(self.g.offer_iri(self._owner(self.vendor_ends, nr), nr))

    def review(self) -> str:
        nr = self.r.randint(1, self.p["counts"]["reviews"])
        return self.iri(self.g.review_iri(self._owner(self.site_ends, nr), nr))

    def some_product(self, ok, tries: int = 100_000) -> list | None:
        for _ in range(tries):
            row = self.r.choice(self.products)
            if ok(row):
                return row
        return None

    def draw(self, q: int) -> dict[str, str]:
        r = self.r
        fi = lambda f: self.iri(self.g.feature_iri(f))  # noqa: E731
        ti = lambda t: self.iri(self.g.product_type_iri(t))  # noqa: E731
        if q == 1:
            nr, _, leaf, n1, _, _, feats = self.some_product(lambda x: len(x[6]) >= 2 and x[3] > 1)
            f1, f2 = r.sample(feats, 2)
            return {"ProductType": ti(leaf), "ProductFeature1": fi(f1), "ProductFeature2": fi(f2),
                    "x": str(r.randint(1, min(500, n1 - 1)))}
        if q == 3:
            nr, _, leaf, n1, _, n3, feats = self.some_product(lambda x: len(x[6]) >= 1 and x[3] > 1)
            others = [f for t in self.chain(leaf)[:-1] for f in self.features[t] if f not in feats]
            return {"ProductType": ti(leaf), "ProductFeature1": fi(r.choice(feats)),
                    "ProductFeature2": fi(r.choice(others)), "x": str(r.randint(1, min(500, n1 - 1))),
                    "y": str(r.randint(n3 + 1, max(n3 + 1, 500)))}
        if q == 4:
            # The type is the product's top-level type (not its leaf), so the union has more
            # than the OFFSET of 5 rows to skip.
            def top(row):
                return self.chain(row[2])[-2]

            row = self.some_product(lambda x: len(set(x[6]) & set(self.features[top(x)])) >= 2 and x[3] > 1)
            if row is not None:
                t = top(row)
                candidates = self.features[t]
            else:  # a tiny scale: fall back to the leaf type and its features
                row = self.some_product(lambda x: len(x[6]) >= 2 and x[3] > 1)
                t = row[2]
                candidates = [f for t2 in self.chain(t)[:-1] for f in self.features[t2]]
            f1, f2 = r.sample(sorted(set(row[6]) & set(candidates)), 2)
            f3 = r.choice([f for f in candidates if f not in (f1, f2)])
            return {"ProductType": ti(t), "ProductFeature1": fi(f1), "ProductFeature2": fi(f2),
                    "ProductFeature3": fi(f3), "x": str(r.randint(1, min(500, row[3] - 1))),
                    "y": str(r.randint(1, 500))}
        if q in (2, 5):
            return {"ProductXYZ": self.product(r.choice(self.products)[0])}
        if q == 7:
            return {"ProductXYZ": self.product(r.choice(self.products)[0]), "currentDate": self.today}
        if q == 8:
            return {"ProductXYZ": self.product(r.choice(self.p["en_products"] or [r.randint(1, len(self.products))]))}
        if q == 9:
            return {"ReviewXYZ": self.review()}
        if q == 10:
            # A tiny scale may have no US vendor: any product then (the answer is empty).
            _, _, product = r.choice(self.p["q10_offers"] or [(0, 0, r.randint(1, len(self.products)))])
            return {"ProductXYZ": self.product(product), "currentDate": self.today}
        if q in (11, 12):
            return {"OfferXYZ": self.offer()}
        if q == 6:
            return {"word1": r.choice(self.p["label_words"])}
        raise ValueError(f"no parameter rule for query {q}")


def build_mixes(templates: Templates, params: Parameters, count: int) -> list[list[tuple[int, str]]]:
    mixes = []
    for _ in range(count):
        mix = []
        for q in templates.mix:
            text = templates.text[q]
            for name, value in params.draw(q).items():
                text = text.replace(f"%{name}%", value)
            if re.search(r"%[A-Za-z]\w*%", text):
                raise ValueError(f"query {q} still has a parameter: {text}")
            mix.append((q, text))
        mixes.append(mix)
    return mixes


# --- answers ---------------------------------------------------------------------------------

ACCEPT = {"select": "application/sparql-results+json", "ask": "application/sparql-results+json",
          "describe": "application/n-triples", "construct": "application/n-triples"}


def canonical(kind: str, body: bytes):
    """A comparable form of an answer, and its size (rows, triples, or 1 for a true ASK)."""
    import pyoxigraph as ox

    if kind in ("select", "ask"):
        results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if isinstance(results, ox.QueryBoolean):
            return ("ask", bool(results)), int(bool(results))
        names = [v.value for v in results.variables]
        order = sorted(range(len(names)), key=lambda i: names[i])
        rows = []
        for s in results:
            row = ["" if s[n] is None else str(s[n]) for n in names]
            rows.append(tuple(row[i] for i in order))
        return ("select", tuple(sorted(names)), tuple(sorted(rows))), len(rows)
    ds = ox.Dataset(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    if any(isinstance(t, ox.BlankNode) for q in ds for t in (q.subject, q.object)):
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    quads = tuple(sorted(str(q) for q in ds))
    return ("graph", quads), len(quads)


def describe_difference(a: tuple, b: tuple) -> str:
    if a[0] != b[0]:
        return f"different kinds of answer: {a[0]} vs {b[0]}"
    if a[0] == "ask":
        return f"jiyi says {a[1]}, oxigraph says {b[1]}"
    if a[0] == "select" and a[1] != b[1]:
        return f"variables differ: {a[1]} vs {b[1]}"
    ra, rb = a[-1], b[-1]
    only_a, only_b = sorted(set(ra) - set(rb))[:3], sorted(set(rb) - set(ra))[:3]
    if only_a or only_b:
        return f"{len(ra)} vs {len(rb)} rows/triples; only in jiyi: {only_a}; only in oxigraph: {only_b}"
    return f"same rows, different multiplicities ({len(ra)} vs {len(rb)})"


# --- the run ---------------------------------------------------------------------------------

class Recorder:
    def __init__(self):
        self.times = defaultdict(lambda: defaultdict(list))  # server -> query -> [seconds]
        self.mix_seconds = defaultdict(float)  # server -> measured wall seconds
        self.sizes = defaultdict(list)  # query -> [size]
        self.errors: list[str] = []
        self.mismatches: list[str] = []
        self.compared = 0
        self.measured_mixes = 0
        self.lock = threading.Lock()


def run_mix(ep: Endpoint, mix, kinds) -> tuple[float, list]:
    answers = []
    start = time.perf_counter()
    for q, text in mix:
        elapsed, status, ctype, body = ep.query(text, ACCEPT[kinds[q]])
        answers.append((q, elapsed, status, ctype, body))
    return time.perf_counter() - start, answers


def compare_and_record(rec: Recorder, mix, kinds, results: dict, measured: bool) -> None:
    for i, (q, text) in enumerate(mix):
        canon = {}
        for server, answers in results.items():
            _, elapsed, status, ctype, body = answers[i]
            if status != 200:
                rec.errors.append(f"{server} answered {status} to query {q}: {body[:300]!r}\n{text}")
                continue
            try:
                canon[server] = canonical(kinds[q], body)
            except Exception as e:  # noqa: BLE001 - a parse failure is a reportable error
                rec.errors.append(f"{server}'s answer to query {q} does not parse ({ctype}): {e}\n{text}")
                continue
            if measured:
                rec.times[server][q].append(elapsed)
        if len(canon) == 2:
            rec.compared += 1
            (a, size), (b, _) = canon["jiyi"], canon["oxigraph"]
            if a != b:
                rec.mismatches.append(f"query {q}: {describe_difference(a, b)}\n{text}")
            if measured:
                rec.sizes[q].append(size)


def run(args) -> int:
    sys.dont_write_bytecode = True  # no __pycache__ in the work tree
    sys.path.insert(0, str(HERE))
    import generate

    oxigraph_bin = Path(args.oxigraph_bin) if args.oxigraph_bin else Path(sys.executable).with_name("oxigraph")
    jiyi_bin = jiyi_binary(args.jiyi_bin)
    CACHE.joinpath("bsbm").mkdir(parents=True, exist_ok=True)
    data = CACHE / "bsbm" / f"bsbm-{args.products}-seed{args.seed}.nt"
    if not data.exists() or not generate.params_path(data).exists():
        print(f"generating {data}", file=sys.stderr)
        generate.generate(args.products, data, args.seed)
    facts = json.loads(generate.params_path(data).read_text())
    templates = Templates(args.queries)
    params = Parameters(facts, args.query_seed)
    mixes = build_mixes(templates, params, args.warmup + args.mixes)
    kinds = templates.kind

    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE / "bsbm"))
    servers = Servers(workdir, workdir)
    rec = Recorder()
    try:
        print(f"loading {facts['triples']:,} triples ({data}) …", file=sys.stderr)
        ox_ep, ox_load = servers.start_oxigraph(oxigraph_bin, data)
        jiyi_ep, jiyi_load = servers.start_jiyi(jiyi_bin, data, args.clients, args.jiyi_arg, jiyi_env(args))
        eps = {"jiyi": jiyi_ep, "oxigraph": ox_ep}
        count_q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        counts = {}
        for name, ep in eps.items():
            _, status, _, body = ep.query(count_q, ACCEPT["select"])
            counts[name] = int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) if status == 200 else -1
        print(f"triples in the default graph: jiyi {counts['jiyi']:,}, oxigraph {counts['oxigraph']:,} "
              f"(generated {facts['triples']:,}); load: oxigraph `load` {ox_load:.1f} s, "
              f"jiyi Graph Store PUT {jiyi_load:.1f} s", file=sys.stderr)
        if counts["jiyi"] != counts["oxigraph"]:
            rec.errors.append(f"the stores hold different triple counts: {counts}")

        total = len(mixes)
        done = 0
        order_flip = False
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            for phase, measured in ((mixes[:args.warmup], False), (mixes[args.warmup:], True)):
                for start in range(0, len(phase), args.clients):
                    batch = phase[start:start + args.clients]
                    order = ["oxigraph", "jiyi"] if order_flip else ["jiyi", "oxigraph"]
                    order_flip = not order_flip
                    results = {}
                    for server in order:
                        ep = eps[server]
                        t0 = time.perf_counter()
                        outs = list(pool.map(lambda mix, ep=ep: run_mix(ep, mix, kinds), batch))
                        wall = time.perf_counter() - t0
                        if measured:
                            rec.mix_seconds[server] += wall if args.clients > 1 else sum(o[0] for o in outs)
                        results[server] = [o[1] for o in outs]
                    if measured:
                        rec.measured_mixes += len(batch)
                    for k, mix in enumerate(batch):
                        compare_and_record(rec, mix, kinds, {s: results[s][k] for s in order}, measured)
                    done += len(batch)
                    if done % max(1, total // 10) < len(batch) or done == total:
                        print(f"  {done}/{total} mixes", file=sys.stderr)

        probes = run_probes(eps, args.probe) if args.probe else {}
    finally:
        servers.stop()
        if args.keep:
            print(f"stores and logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report = summarize(args, rec, templates, facts, counts, ox_load, jiyi_load, jiyi_bin, probes)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    if rec.mismatches:
        print(f"\n!!! RESULT MISMATCH: {len(rec.mismatches)} of {rec.compared} answers differ !!!", file=sys.stderr)
        for m in rec.mismatches[:10]:
            print(f"--- {m}", file=sys.stderr)
    if rec.errors:
        print(f"\n!!! {len(rec.errors)} ERRORS !!!", file=sys.stderr)
        for e in rec.errors[:10]:
            print(f"--- {e}", file=sys.stderr)
    return 1 if rec.mismatches else 2 if rec.errors else 0


def run_probes(eps: dict[str, Endpoint], n: int) -> dict:
    """Fixed cost per request (ASK {}) and cost of streaming a larger answer."""
    probes = {
        "ASK {}": ("ASK {}", "select"),
        "SELECT 10k triples": ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000", "select"),
    }
    out = {}
    for label, (text, kind) in probes.items():
        reps = n if label == "ASK {}" else max(5, n // 20)
        times = {name: [] for name in eps}
        for i in range(reps):
            for name in (["jiyi", "oxigraph"] if i % 2 == 0 else ["oxigraph", "jiyi"]):
                elapsed, status, _, _ = eps[name].query(text, ACCEPT[kind])
                if status == 200:
                    times[name].append(elapsed)
        out[label] = {name: {"mean_ms": 1000 * statistics.mean(t), "median_ms": 1000 * statistics.median(t),
                             "p90_ms": 1000 * sorted(t)[int(0.9 * (len(t) - 1))], "max_ms": 1000 * max(t),
                             "n": len(t)} for name, t in times.items() if t}
    return out


def summarize(args, rec: Recorder, templates: Templates, facts, counts, ox_load, jiyi_load, jiyi_bin, probes) -> dict:
    rows = []
    print()
    print(f"BSBM explore, {facts['products']} products, {facts['triples']:,} triples; "
          f"{args.warmup} warm-up + {args.mixes} measured mixes of {len(templates.mix)} queries, "
          f"{args.clients} client(s); {machine()}")
    if args.jiyi_arg or args.jiyi_env:
        print(f"jiyi serve extra arguments: {' '.join(args.jiyi_arg) or '-'}; environment: "
              f"{' '.join(args.jiyi_env) or '-'}")
    print(f"{'query':>6} {'kind':>9} {'n':>5} {'rows':>6} {'non-empty':>9} {'jiyi ms':>8} {'oxigraph ms':>11} "
          f"{'speed ratio':>11}   {'median ms jiyi / oxigraph':>25}")
    for q in sorted(set(templates.mix)):
        tj, to = rec.times["jiyi"].get(q, []), rec.times["oxigraph"].get(q, [])
        if not tj or not to:
            continue
        sizes = rec.sizes.get(q, [0])
        mj, mo = 1000 * statistics.mean(tj), 1000 * statistics.mean(to)
        nonempty = sum(1 for s in sizes if s > 0)
        dj, do = 1000 * statistics.median(tj), 1000 * statistics.median(to)
        rows.append({"query": q, "kind": templates.kind[q], "n": len(tj), "mean_rows": statistics.mean(sizes),
                     "non_empty": nonempty, "jiyi_ms": mj, "oxigraph_ms": mo, "ratio": mo / mj,
                     "jiyi_median_ms": dj, "oxigraph_median_ms": do})
        print(f"{'Q' + str(q):>6} {templates.kind[q]:>9} {len(tj):>5} {statistics.mean(sizes):>6.1f} "
              f"{nonempty:>4}/{len(sizes):<4} {mj:>8.2f} {mo:>11.2f} {mo / mj:>10.3f}x   {dj:>12.2f} / {do:<10.2f}")
    qmph = {s: (rec.measured_mixes / rec.mix_seconds[s] * 3600 if rec.mix_seconds[s] else 0.0) for s in ("jiyi", "oxigraph")}
    ratio = qmph["jiyi"] / qmph["oxigraph"] if qmph["oxigraph"] else 0.0
    print(f"QMpH: jiyi {qmph['jiyi']:,.0f}, oxigraph {qmph['oxigraph']:,.0f}; ratio jiyi/oxigraph {ratio:.3f} "
          f"(target >= 0.95)")
    verdict = "IDENTICAL" if not rec.mismatches and not rec.errors else \
        f"{len(rec.mismatches)} MISMATCHES, {len(rec.errors)} ERRORS"
    print(f"answers compared: {rec.compared}; {verdict}")
    for label, res in probes.items():
        if "jiyi" in res and "oxigraph" in res:
            j, o = res["jiyi"], res["oxigraph"]
            print(f"probe {label!r}: jiyi mean {j['mean_ms']:.2f} ms (median {j['median_ms']:.2f}, p90 {j['p90_ms']:.2f}, "
                  f"max {j['max_ms']:.1f}), oxigraph mean {o['mean_ms']:.2f} ms (median {o['median_ms']:.2f}, "
                  f"p90 {o['p90_ms']:.2f}, max {o['max_ms']:.1f}); difference of means {j['mean_ms'] - o['mean_ms']:+.2f} ms")
    return {"products": facts["products"], "jiyi_args": args.jiyi_arg, "jiyi_env": args.jiyi_env, "triples": facts["triples"], "counts_served": counts,
            "warmup": args.warmup, "mixes": args.mixes, "clients": args.clients, "machine": machine(),
            "jiyi_bin": str(jiyi_bin), "load_seconds": {"oxigraph": ox_load, "jiyi": jiyi_load},
            "queries": rows, "qmph": qmph, "ratio": ratio, "compared": rec.compared,
            "mismatches": rec.mismatches, "errors": rec.errors, "probes": probes}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, default=2785, help="BSBM scale (2785 products ~ 1M triples)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the data generator")
    ap.add_argument("--query-seed", type=int, default=1, help="seed of the query parameters")
    ap.add_argument("--warmup", type=int, default=20, help="warm-up mixes per server (not measured)")
    ap.add_argument("--mixes", type=int, default=100, help="measured mixes per server")
    ap.add_argument("--clients", type=int, default=1, help="concurrent clients")
    ap.add_argument("--probe", type=int, default=200, help="ASK {} requests per server for the fixed-cost probe (0: none)")
    ap.add_argument("--jiyi-bin", help="jiyi binary (default $JIYI_BIN, else a release build)")
    ap.add_argument("--jiyi-arg", action="append", default=[],
                    help="one more argument for `jiyi serve` (repeatable), e.g. --jiyi-arg=--in-process-queries")
    ap.add_argument("--jiyi-env", action="append", default=[], metavar="KEY=VALUE",
                    help="one more environment variable for `jiyi serve` (repeatable)")
    ap.add_argument("--oxigraph-bin", help="oxigraph CLI (default: the one next to this Python)")
    ap.add_argument("--queries", type=Path, default=QUERY_DIR, help="BSBM explore templates")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the stores and server logs")
    args = ap.parse_args()
    if args.clients < 1 or args.mixes < 1 or args.warmup < 0:
        ap.error("--clients and --mixes must be at least 1, --warmup at least 0")
    ensure_environment()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
