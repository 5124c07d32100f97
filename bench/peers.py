"""What the side-by-side benchmarks share: the peer (Oxigraph's own server from PyPI, the
engine Jiyi embeds), the Jiyi binary under test, and the processes they run as.

Used by bench/bsbm/run.py (SPARQL) and bench/deref/run.py (dereferencing). Python stdlib only,
so a script can import it before it has re-run itself inside the bench venv.
"""

from __future__ import annotations

import os
import platform
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = Path.home() / ".cache/jiyi"
VENV = CACHE / "bench-venv"
OXIGRAPH_VERSION = "0.5.13"
# Everything the benchmarks import, pinned: Oxigraph's CLI and bindings at the version Jiyi
# embeds (Cargo.lock), rdflib at the tests' version (tests/requirements.txt).
REQUIREMENTS = [f"oxigraph=={OXIGRAPH_VERSION}", f"pyoxigraph=={OXIGRAPH_VERSION}", "rdflib==7.6.0"]
REEXEC = "JIYI_BENCH_REEXEC"


def ensure_environment(script: str, modules: list[str]) -> None:
    """Re-runs `script` under ~/.cache/jiyi/bench-venv (creating it and installing
    REQUIREMENTS, prebuilt wheels) unless `modules` import and the `oxigraph` CLI is next to
    this interpreter."""
    try:
        for module in modules:
            __import__(module)
        ok = Path(sys.executable).with_name("oxigraph").exists()
    except ImportError:
        ok = False
    if ok:
        return
    if os.environ.get(REEXEC):
        sys.exit(f"error: {sys.executable} still lacks {', '.join(modules)} or the oxigraph CLI after installing")
    python = VENV / "bin/python"
    if not python.exists():
        print(f"creating {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS], check=True)
    os.environ[REEXEC] = "1"
    os.execv(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]])


def oxigraph_cli(given: str | None) -> Path:
    """The `oxigraph` command: the one given, else the one next to this interpreter."""
    return Path(given) if given else Path(sys.executable).with_name("oxigraph")


def jiyi_binary(given: str | None) -> Path:
    """The Jiyi binary: the one given, else $JIYI_BIN, else a release build
    (`cargo build --release -p jiyi-cli` in $CARGO_TARGET_DIR, default ~/.cache/jiyi/target;
    a cold build compiles RocksDB, 20-30 minutes on 2 cores)."""
    if given:
        return Path(given)
    if os.environ.get("JIYI_BIN"):
        return Path(os.environ["JIYI_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR") or CACHE / "target")
    print(f"building jiyi (cargo build --release -p jiyi-cli, CARGO_TARGET_DIR={target})", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "-p", "jiyi-cli"], cwd=REPO, check=True,
                   env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return target / "release/jiyi"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    """Cores, CPU model, memory and kernel, for the record next to every figure."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}"


def load_average() -> str:
    """The 1/5/15-minute load averages: how busy the machine was (other work on the cores)."""
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def wait_until(check, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


class Processes:
    """The servers a benchmark starts; all stopped by stop()."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def oxigraph_load(self, binary: Path, location: Path, data: Path) -> float:
        """Bulk-loads `data` with `oxigraph load`; returns the seconds it took."""
        start = time.perf_counter()
        with open(self.log_dir / "oxigraph-load.log", "wb") as log:
            subprocess.run([str(binary), "load", "--location", str(location), "--file", str(data)],
                           check=True, stdout=log, stderr=subprocess.STDOUT)
        return time.perf_counter() - start

    def oxigraph_serve(self, binary: Path, location: Path, extra: list[str] | None = None) -> tuple[subprocess.Popen, int]:
        """Starts `oxigraph serve-read-only` on a free port; the caller waits until it answers."""
        port = free_port()
        log = open(self.log_dir / "oxigraph-serve.log", "wb")
        proc = subprocess.Popen(
            [str(binary), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
             *(extra or [])],
            stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc, port

    def jiyi_serve(self, binary: Path, store: Path, args: list[str], env: dict[str, str] | None = None,
                   ) -> tuple[subprocess.Popen, str, int]:
        """Starts `jiyi serve --store STORE --bind 127.0.0.1:0 ARGS…` and reads the address it
        announces on its first line; the rest of its output goes to jiyi-serve.log."""
        log = open(self.log_dir / "jiyi-serve.log", "wb")
        proc = subprocess.Popen(
            [str(binary), "serve", "--store", str(store), "--bind", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=log, env={**os.environ, **(env or {})})
        self.procs.append(proc)
        first = proc.stdout.readline().decode("utf-8", "replace").strip()
        m = re.match(r"Serving (\S+) at http://([^/]+)/", first)
        if not m:
            raise RuntimeError(f"jiyi serve did not say where it listens (got {first!r}); "
                               f"see {self.log_dir / 'jiyi-serve.log'}")

        def drain() -> None:
            for line in proc.stdout:
                log.write(line)

        threading.Thread(target=drain, daemon=True).start()
        host, port = m.group(2).rsplit(":", 1)
        return proc, host, int(port)
