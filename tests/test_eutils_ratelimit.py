"""NCBI etiquette: the shared rate limiter, the retry budget and the request stats."""

from __future__ import annotations

import random
import threading
import time

from evidence_tracker.pubmed.ratelimit import HEADROOM, RateLimiter, RequestStats, RetryBudget


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def most_in_one_second(starts: list[float]) -> int:
    starts = sorted(starts)
    return max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)


def test_limiter_spaces_starts_and_reports_waiting():
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    starts, waits = [], []
    for _ in range(7):
        waits.append(limiter.wait())
        starts.append(clock.now)
    assert most_in_one_second(starts) == 3
    assert waits[0] == 0 and all(abs(w - HEADROOM / 3) < 1e-9 for w in waits[1:])


def test_limiter_does_not_wait_after_a_slow_request():
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 5  # the answer took five seconds: start to start, the next may go at once
    assert limiter.wait() == 0


def test_limiter_holds_across_threads_in_real_time():
    limiter, starts, lock = RateLimiter(3), [], threading.Lock()

    def worker():
        limiter.wait()
        with lock:
            starts.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(starts) == 5 and most_in_one_second(starts) <= 3
    gaps = [b - a for a, b in zip(sorted(starts), sorted(starts)[1:])]
    assert min(gaps) >= 1 / 3 - 0.01


def test_budget_backoff_grows_with_jitter_and_honours_retry_after():
    budget = RetryBudget(max_retries=4, backoff_base=1.0, backoff_max=5.0, rng=random.Random(1))
    delays = [budget.delay(n) for n in range(4)]
    assert [int(d) for d in delays] == [1, 2, 4, 5]  # 1, 2, 4, capped at 5, each + jitter < 1
    assert budget.delay(4) is None  # this request used all its retries
    assert RetryBudget(backoff_base=0.1).delay(0, retry_after=2.0) == 2.0


def test_budget_is_per_run():
    budget = RetryBudget(max_retries=9, max_total_retries=3, backoff_base=0.01)
    assert all(budget.delay(0) is not None for _ in range(3))
    assert budget.exhausted and budget.delay(0) is None
    by_seconds = RetryBudget(max_seconds=2.5, backoff_base=1.0, backoff_max=1.0,
                             rng=random.Random(0))
    assert by_seconds.delay(0) is not None and by_seconds.delay(0) is None


def test_stats_to_dict():
    stats = RequestStats()
    stats.request("esearch.fcgi", 0.25)
    stats.request("esearch.fcgi", 0.0)
    stats.request("efetch.fcgi", 0.5)
    stats.add(retries=1, rate_limited=1, bytes_received=123)
    assert stats.to_dict() == {
        "total": 3, "by_endpoint": {"efetch.fcgi": 1, "esearch.fcgi": 2}, "retries": 1,
        "rate_limited": 1, "failures": 0, "bytes": 123, "limiter_wait_seconds": 0.75,
        "backoff_seconds": 0.0, "cache": {}}
