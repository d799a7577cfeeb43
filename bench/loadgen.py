"""A small closed-loop HTTP load generator: N clients, each sending its next request as
soon as the previous answer arrives, for a fixed duration. Prints nothing by itself."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field
from itertools import cycle


@dataclass
class LoadResult:
    label: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    bytes_received: int = 0
    seconds: float = 0.0

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def row(self) -> str:
        return (
            f"{self.label:38} {self.requests_per_second:9.1f} req/s   p50 {self.percentile(0.5):7.1f} ms   "
            f"p95 {self.percentile(0.95):7.1f} ms   n={len(self.latencies_ms)} err={self.errors}"
        )


def run_load(
    *,
    host: str,
    port: int,
    paths: list[str],
    clients: int = 10,
    seconds: float = 10.0,
    label: str = "",
    headers: dict | None = None,
    once: bool = False,
) -> LoadResult:
    """With `once`, the clients share one pass over `paths`: no path is sent twice (a
    long tail of requests never seen before); the run ends early if they run out."""
    result = LoadResult(label=label or paths[0])
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    shared = iter(paths)

    def next_shared():
        with lock:
            return next(shared, None)

    def client(offset: int):
        local_paths = cycle(paths[offset % len(paths) :] + paths[: offset % len(paths)])
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            path = next_shared() if once else next(local_paths)
            if path is None:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
                response = connection.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                ok = response.status == 200
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=30)
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                ok, body, elapsed = False, b"", 0.0
            with lock:
                if ok:
                    result.latencies_ms.append(elapsed)
                    result.bytes_received += len(body)
                else:
                    result.errors += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_against_bare(bare: LoadResult, results: list[LoadResult]) -> None:
    """Each measure beside the bare layout of the same run: the machines are shared and
    noisy, so only a share of the bare layout's throughput (and p95 beside its p95) compares
    from one run to the next (FACTS.md)."""
    print(bare.row())
    for result in results:
        print(result.row())
    print()
    print(f"{'mesure':38} {'débit / gabarit nu':>19}   {'p95':>9}   {'p95 gabarit nu':>14}")
    for result in results:
        share = result.requests_per_second / bare.requests_per_second if bare.requests_per_second else float("nan")
        print(f"{result.label:38} {share:19.0%}   {result.percentile(0.95):6.1f} ms   {bare.percentile(0.95):11.1f} ms")
