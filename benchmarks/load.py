"""The load generator of the scale benchmark, run as its own process (``python -m
benchmarks.load < spec.json``): threads with ``http.client`` against a server on loopback,
bounded in count and in time. Each row alternates bursts of the product's requests with bursts
of its reference (the floor) so both see the same machine at the same moment.

Input (stdin): ``{"host", "port", "rows": [{"name", "concurrency", "count", "rounds",
"max_seconds", "product": [request…], "reference": [request…]}]}``, a request being
``{"method", "path", "headers", "body"}``; a list longer than ``count`` is consumed once
(distinct challenges), a shorter one is cycled. Output (stdout): one JSON object per row with
p50/p95 in ms, throughput per second, the number of requests and of failures (status ≥ 400 or
not the expected one).
"""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time


def _burst(host: str, port: int, requests, n: int, concurrency: int, deadline: float,
           expect: int | None):
    lock = threading.Lock()
    source = iter(requests)
    latencies: list[float] = []
    failures: list[str] = []

    def work() -> None:
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) + len(failures) >= n:
                    return
                try:
                    request = next(source)
                except StopIteration:
                    return
            body = request.get("body")
            data = json.dumps(body).encode() if body is not None else None
            headers = dict(request.get("headers") or {})
            if data is not None:
                headers["Content-Type"] = "application/json"
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=60)
                conn.request(request.get("method", "GET"), request["path"], body=data,
                             headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError as error:
                status, response = 0, error
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if status >= 400 or status == 0 or (expect and status != expect):
                    failures.append(f"{status} {request['path']}")
                else:
                    latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures, time.perf_counter() - started


def _summary(latencies: list[float], failures: list[str], seconds: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))], 1)

    return {"n": len(ordered), "failures": len(failures), "failure_sample": failures[:3],
            "p50": pct(0.5), "p95": pct(0.95),
            "rps": round(len(ordered) / seconds, 1) if seconds else None}


def run_row(host: str, port: int, row: dict) -> dict:
    rounds, count, c = row.get("rounds", 3), row["count"], row["concurrency"]
    budget = row.get("max_seconds", 60) / (2 * rounds)  # each burst its share: both sides run
    out = {"key": row.get("key"), "name": row["name"], "concurrency": c}
    sides = {"product": row["product"], "reference": row.get("reference") or []}
    sources = {}
    for side, requests in sides.items():
        # Distinct requests (one per challenge) are consumed once; short lists are cycled.
        sources[side] = iter(requests) if len(requests) >= count else itertools.cycle(requests)
    collected = {side: ([], [], 0.0) for side in sides if sides[side]}
    per_round = max(1, count // rounds)
    for _ in range(rounds):
        for side in collected:
            lat, fail, sec = _burst(host, port, sources[side], per_round, c,
                                    time.monotonic() + budget, row.get("expect"))
            a, b, s = collected[side]
            collected[side] = (a + lat, b + fail, s + sec)
    for side, (lat, fail, sec) in collected.items():
        out[side] = _summary(lat, fail, sec)
    return out


def main() -> int:
    spec = json.load(sys.stdin)
    for row in spec["rows"]:
        print(json.dumps(run_row(spec["host"], spec["port"], row)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
