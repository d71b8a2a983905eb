"""PubMed XML parsing through the project's parser path: `parse.parse_articles` per efetch batch.

Bodies are built batch by batch from the real records (renumbered), as efetch would send them,
so at most one body is in memory. Each size runs in a fresh child process (peak RSS only grows,
so sizes must not share one), twice: "streaming" drops each batch's records (the parser's own
footprint: it must stay at one batch whatever the total) and "kept" holds every record as
`EutilsClient.fetch` does (what a run of that size costs).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from workloads import FIRST_SYNTHETIC_PMID, article_set, synthetic_articles

BATCH = 200  # ids per efetch (eutils.FETCH_BATCH)
MB = 1e6


@dataclass(frozen=True)
class ParseFigures:
    records: int
    streaming_seconds: float  # parsing only (building the bodies is not counted)
    kept_seconds: float
    body_mb: float  # XML parsed, all batches
    streaming_peak_mb: float  # peak RSS above the baseline, each batch's records dropped
    kept_peak_mb: float  # peak RSS above the baseline, every record kept

    def records_per_second(self, kept: bool) -> float:
        return self.records / (self.kept_seconds if kept else self.streaming_seconds)


def _bodies(total: int) -> Iterator[bytes]:
    """efetch bodies of `BATCH` records each, `total` records in all, built one at a time."""
    for start in range(0, total, BATCH):
        size = min(BATCH, total - start)
        yield article_set(list(synthetic_articles(size, FIRST_SYNTHETIC_PMID + start)))


def _status_mb(field: str) -> float:
    """`VmRSS` (now) or `VmHWM` (peak) of this process in MB, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / MB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    """Start the peak (`VmHWM`) afresh: `ru_maxrss` would still hold the parent's at fork."""
    Path("/proc/self/clear_refs").write_text("5")


def _child(total: int, keep: bool) -> dict:
    """Parse `total` records in this process; seconds, MB parsed and RSS figures."""
    from evidence_tracker.pubmed.parse import parse_articles

    parse_articles(next(_bodies(1)))  # load the DTDs before the baseline
    gc.collect()
    _reset_peak()
    baseline, kept, seconds, size = _status_mb("VmRSS"), [], 0.0, 0  # after imports and DTDs
    for body in _bodies(total):
        started = time.perf_counter()
        records = parse_articles(body)
        seconds += time.perf_counter() - started
        size += len(body)
        if keep:
            kept += records
        del body, records
    return {"seconds": seconds, "body_mb": size / MB, "peak_mb": _status_mb("VmHWM") - baseline,
            "records": len(kept) if keep else total}


def _run_child(total: int, keep: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, __file__, str(total), "kept" if keep else "streaming"],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def measure(total: int) -> ParseFigures:
    """Parse `total` records in efetch batches (two child processes); speed and memory."""
    streaming, kept = _run_child(total, keep=False), _run_child(total, keep=True)
    assert kept["records"] == total, f"parsed {kept['records']} of {total} records"
    return ParseFigures(total, streaming["seconds"], kept["seconds"], kept["body_mb"],
                        streaming["peak_mb"], kept["peak_mb"])


if __name__ == "__main__":  # the child: python parse_bench.py TOTAL streaming|kept
    import tempfile

    from Bio import Entrez

    with tempfile.TemporaryDirectory(prefix="bench-entrez-") as cache:
        Entrez.local_cache = cache  # Biopython's DTD cache, kept out of the home directory
        print(json.dumps(_child(int(sys.argv[1]), sys.argv[2] == "kept")))
