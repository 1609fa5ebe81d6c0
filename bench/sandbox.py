"""The sandbox under a classroom's load: 30 trainees crawling the marketplace at once.

Each simulated trainee is a thread with its own ``sandbox`` session, crawling the marketplace
(listings, pagination, item and seller pages) against one shared sandbox server running in
its own process on 127.0.0.1. The baseline, in the same run, is Python's
``ThreadingHTTPServer`` + ``SimpleHTTPRequestHandler`` serving the same pages as static files,
crawled the same way (the same pages, in the same order, with a plain ``requests.Session``).
Bounded: at most PAGES requests per trainee and TIME_BUDGET seconds per run; loopback only.
Each server runs in its own process (ours: ``python -m osintlab.sandbox --port 0
--no-rate-limit --web <web>``), so neither shares the GIL with the 30 crawler threads, which
run in CRAWLERS processes (2 by default: the trainees' threads split between them, so the
crawlers' own GIL is not the bottleneck; ``BENCH_CRAWLER_PROCESSES=1`` keeps them all in
this process). Before the load, every planned page is fetched once from both servers
and the body bytes compared (``sandbox_same_bytes``): both serve the same bytes.

Run alone: ``python bench/sandbox.py`` (prints the figures as JSON).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
TRAINEES = int(os.environ.get("BENCH_TRAINEES", "30"))
PAGES = int(os.environ.get("BENCH_PAGES", "200"))  # requests per trainee
TIME_BUDGET = float(os.environ.get("BENCH_SECONDS", "60"))
CRAWLERS = int(os.environ.get("BENCH_CRAWLER_PROCESSES", "2"))  # processes sharing the threads
MARKETS = ("bazaar.example", "shop.example")  # the world's marketplace, else the fixture's

_BASELINE = """
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.func.log_message = lambda *a: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _web() -> Path:
    world = ROOT / "datasets" / "web"
    if any((world / m).is_dir() for m in MARKETS):
        return world
    return ROOT / "tests" / "fixtures" / "sandbox-web"


def _crawl_plan(web: Path, market: str, limit: int = 400) -> list[tuple[str, str]]:
    """The marketplace's pages a crawler reaches: (address path, file served), in crawl order."""
    from bs4 import BeautifulSoup

    from osintlab import sandbox
    from osintlab.sandbox.server import SandboxServer, normalise_path

    server = SandboxServer(web, rate_limits=False).start()
    try:
        session = sandbox.session(server)
        site = server.sites[market]
        start = f"http://{market}/listings"
        queue, seen, plan = deque([start]), {start}, []
        while queue and len(plan) < limit:
            address = queue.popleft()
            answer = session.get(address, allow_redirects=False)
            if answer.status_code != 200:
                continue
            parts = urlsplit(address)
            served = site.find(normalise_path(parts.path) or "", parts.query)
            plan.append((address, served))
            if not answer.headers.get("Content-Type", "").startswith("text/html"):
                continue
            for link in BeautifulSoup(answer.text, "html.parser").find_all("a", href=True):
                target = urljoin(address, link["href"]).split("#")[0]
                if urlsplit(target).hostname == market and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return plan
    finally:
        server.stop()


def _start(command: list[str], env: dict) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline()
    port = int(line.split("127.0.0.1:", 1)[1].split()[0]) if "127.0.0.1:" in line else int(line)
    return process, port


def _make_session(kind: str, port: int, hosts: list[str]):
    import requests

    from osintlab.sandbox.client import SandboxSession

    if kind == "ours":
        return SandboxSession(("127.0.0.1", port), hosts)
    return requests.Session()


def _crawl(kind: str, port: int, hosts: list[str], addresses: list[str], offsets: list[int],
           barrier, results) -> None:
    """One crawler process (or the bench process itself): a thread per trainee in ``offsets``."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def trainee(offset: int) -> None:
        session = _make_session(kind, port, hosts)
        session.headers["Accept-Encoding"] = "identity"  # same bytes on the wire as the baseline
        mine, failed = [], 0
        barrier.wait()
        deadline = time.perf_counter() + TIME_BUDGET
        for n in range(PAGES):
            if time.perf_counter() > deadline:
                break
            address = addresses[(offset + n) % len(addresses)]
            began = time.perf_counter()
            try:
                answer = session.get(address, timeout=30)
                answer.content  # noqa: B018 - read the whole body, as a crawler does
                ok = answer.status_code == 200
            except Exception:
                ok = False
            mine.append(time.perf_counter() - began)
            failed += not ok
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=trainee, args=(offset,)) for offset in offsets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((latencies, failures[0]))


def _drive(kind: str, port: int, hosts: list[str], addresses: list[str]) -> dict:
    """TRAINEES crawler threads, split over CRAWLERS processes, each fetching ``addresses``
    round-robin up to PAGES times; timed from the moment all of them are ready."""
    import multiprocessing
    import queue

    offsets = [i * 7 for i in range(TRAINEES)]
    groups = [offsets[n::CRAWLERS] for n in range(CRAWLERS)]
    if CRAWLERS == 1:
        barrier, results = threading.Barrier(TRAINEES + 1), queue.Queue()
        workers = [threading.Thread(target=_crawl, args=(kind, port, hosts, addresses,
                                                         offsets, barrier, results))]
    else:
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(TRAINEES + 1), context.Queue()
        workers = [context.Process(target=_crawl, args=(kind, port, hosts, addresses, group,
                                                        barrier, results))
                   for group in groups]
    for worker in workers:
        worker.start()
    barrier.wait()
    began = time.perf_counter()
    latencies, failed = [], 0
    for _worker in workers:
        mine, lost = results.get(timeout=TIME_BUDGET + 120)
        latencies.extend(mine)
        failed += lost
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(30)
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "failed": failed,
    }


def _same_bytes(ours_session, ours: list[str], base_session, base: list[str]) -> dict:
    """Fetch every planned page once from each server; count bytes and pages that differ."""
    totals, differ = [0, 0], 0
    for mine, theirs in zip(ours, base, strict=True):
        a = ours_session.get(mine, headers={"Accept-Encoding": "identity"}, timeout=30).content
        b = base_session.get(theirs, headers={"Accept-Encoding": "identity"}, timeout=30).content
        totals[0] += len(a)
        totals[1] += len(b)
        differ += a != b
    return {"ours": totals[0], "base": totals[1], "differ": differ}


def run() -> dict:
    import requests

    from osintlab.sandbox.client import SandboxSession

    web = _web()
    market = next(m for m in MARKETS if (web / m).is_dir())
    plan = _crawl_plan(web, market)
    source = str(ROOT / "src")  # the checkout's code, in both server processes
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [source, *filter(None, [os.environ.get("PYTHONPATH")])])}
    ours_process, ours_port = _start([sys.executable, "-m", "osintlab.sandbox", "--port", "0",
                                      "--no-rate-limit", "--web", str(web)], env)
    base_process, base_port = _start([sys.executable, "-c", _BASELINE, str(web / market)], env)
    try:
        hosts = sorted(p.name for p in web.iterdir() if p.is_dir())
        ours_addresses = [address for address, _ in plan]
        base_addresses = [f"http://127.0.0.1:{base_port}/{quote(served)}" for _, served in plan]
        same = _same_bytes(SandboxSession(("127.0.0.1", ours_port), hosts), ours_addresses,
                           requests.Session(), base_addresses)
        ours = _drive("ours", ours_port, hosts, ours_addresses)
        base = _drive("baseline", base_port, hosts, base_addresses)
    finally:
        for process in (ours_process, base_process):
            process.terminate()
            process.wait(30)

    def figure(what, key, aim, higher_is_better=True, digits=1):
        value, baseline = round(ours[key], digits), round(base[key], digits)
        ratio = (ours[key] / base[key]) if base[key] else None
        return {"what": what, "value": value, "baseline": baseline,
                "ratio": round(ratio, 3) if ratio is not None else None, "aim": aim}

    context = (f"{TRAINEES} trainees (threads in {CRAWLERS} crawler processes) x up to "
               f"{PAGES} requests over {len(plan)} pages of "
               f"{market} ({'world' if web.name == 'web' else 'fixture'} sites)")
    return {
        "sandbox_rps": figure(f"requests/s, {context}; baseline ThreadingHTTPServer static",
                              "rps", "ratio >= 1.0"),
        "sandbox_p50_ms": figure("median latency per request (ms)", "p50_ms", "ratio <= 1.0"),
        "sandbox_p99_ms": figure("99th percentile latency per request (ms)", "p99_ms",
                                 "ratio <= 1.0"),
        "sandbox_failed": {"what": "failed requests (not 200 or an exception)",
                           "value": ours["failed"], "baseline": base["failed"],
                           "ratio": None, "aim": "value == 0"},
        "sandbox_same_bytes": {"what": f"body bytes of the {len(plan)} planned pages, fetched "
                                       f"once from each server ({same['differ']} pages differ)",
                               "value": same["ours"], "baseline": same["base"],
                               "ratio": round(same["ours"] / same["base"], 3)
                               if same["base"] else None, "aim": "ratio == 1.0, 0 differ"},
        "sandbox_requests": {"what": "requests made", "value": ours["requests"],
                             "baseline": base["requests"], "ratio": None, "aim": "bounded"},
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    print(json.dumps(run(), indent=1))
