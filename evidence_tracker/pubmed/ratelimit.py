"""NCBI etiquette for one run: a rate limiter shared by threads, a retry budget, request stats.

NCBI allows 3 requests a second without an API key and 10 with one, counted on its side as
requests arriving within one second. The limiter spaces request *starts*, so a slow answer does
not let the next requests bunch up, and it reserves each slot under a lock so threads queue.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from typing import Callable

# Starts exactly 1/rate apart can still land rate+1 arrivals in one second at NCBI once network
# jitter shifts them. With 4% headroom, rate+1 starts span at least 1.04 s: 40 ms of jitter
# margin, while a run stays within 4% of NCBI's floor (bench/RESULTS.md; 10% cost too much).
HEADROOM = 1.04


class RateLimiter:
    """At most `rate` request starts per second, measured start to start, across threads."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = HEADROOM / rate
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_start = float("-inf")

    def wait(self) -> float:
        """Block until this caller may start a request; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay


class RetryBudget:
    """How long to back off before a retry, and a per-run cap on retries and on seconds slept.

    `max_retries` bounds one request; `max_total_retries` and `max_seconds` bound the whole run,
    so an outage makes the remaining requests fail fast instead of stretching a nightly run.
    """

    def __init__(self, *, max_retries: int = 4, max_total_retries: int = 40,
                 max_seconds: float = 300.0, backoff_base: float = 1.0,
                 backoff_max: float = 30.0, rng: random.Random | None = None) -> None:
        self.max_retries, self.max_total_retries = max_retries, max_total_retries
        self.max_seconds = max_seconds
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self.retries_spent = 0
        self.seconds_spent = 0.0

    @property
    def exhausted(self) -> bool:
        return (self.retries_spent >= self.max_total_retries
                or self.seconds_spent >= self.max_seconds)

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to sleep before retry number `attempt` (0-based), or None to give up.

        Exponential backoff plus jitter; NCBI's `retry_after` (seconds) is a floor, and a delay
        the run's remaining seconds cannot pay for means giving up now rather than later.
        """
        if attempt >= self.max_retries:
            return None
        backoff = min(self.backoff_max, self.backoff_base * 2 ** attempt)
        delay = backoff + self._rng.uniform(0, self.backoff_base)
        if retry_after is not None:
            delay = max(delay, retry_after)
        with self._lock:
            if self.exhausted or self.seconds_spent + delay > self.max_seconds:
                return None
            self.retries_spent += 1
            self.seconds_spent += delay
        return delay


class RequestStats:
    """What a run asked of NCBI, for report.json's `requests` object. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.endpoints: Counter[str] = Counter()
        self.retries = 0
        self.rate_limited = 0  # 429s (or rate-limit bodies) seen, retried or not
        self.failures = 0  # requests that ended in a PubMed failure
        self.bytes_received = 0
        self.limiter_wait_seconds = 0.0
        self.backoff_seconds = 0.0
        self.cache: Counter[str] = Counter()  # answers the cache gave or could not give

    def count_cache(self, name: str, amount: int = 1) -> None:
        """Add `amount` to the cache counter `name` (e.g. "search_hits")."""
        with self._lock:
            self.cache[name] += amount

    def add(self, **amounts: float) -> None:
        """Add each of `amounts` (attribute name → increment) under the lock."""
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def request(self, endpoint: str, waited: float) -> None:
        """Count one request to `endpoint` that waited `waited` seconds on the limiter."""
        with self._lock:
            self.endpoints[endpoint] += 1
            self.limiter_wait_seconds += waited

    @property
    def total(self) -> int:
        return sum(self.endpoints.values())

    def to_dict(self) -> dict:
        """Plain data for report.json."""
        with self._lock:
            return {
                "total": sum(self.endpoints.values()),
                "by_endpoint": dict(sorted(self.endpoints.items())),
                "retries": self.retries,
                "rate_limited": self.rate_limited,
                "failures": self.failures,
                "bytes": self.bytes_received,
                "limiter_wait_seconds": round(self.limiter_wait_seconds, 3),
                "backoff_seconds": round(self.backoff_seconds, 3),
                "cache": dict(sorted(self.cache.items())),
            }
