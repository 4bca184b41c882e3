"""Load generator, run as its own process: N requests (GET, or POST of one body) with C threads,
latencies in ms as JSON."""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body-file", default="", help="the body to send (POST)")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument("--expect", type=int, default=200, help="the status that counts as success")
    args = parser.parse_args()
    body = open(args.body_file, "rb").read() if args.body_file else None  # noqa: SIM115 - read once, small
    headers = {"Cookie": args.cookie, "Host": "127.0.0.1"}
    for line in args.header:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    target = urlsplit(args.url)
    path = target.path + (f"?{target.query}" if target.query else "")
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [args.requests]

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                conn.request(args.method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == args.expect
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
        conn.close()

    # Warm-up: each worker process of the server imports and connects on its first requests.
    warm = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    for _ in range(10):
        warm.request(args.method, path, body=body, headers=headers)
        warm.getresponse().read()
    warm.close()

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    print(json.dumps({"latencies_ms": latencies, "errors": errors, "wall_seconds": wall}))


if __name__ == "__main__":
    main()
