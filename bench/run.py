"""Run every benchmark side by side and record the figures in bench/RESULTS.md.

    python bench/run.py            # all sections (about 5 minutes on 2 cores)
    python bench/run.py --quick    # skip the 200-claim runs at 3 requests/s (about 2 minutes)
    python bench/run.py --full     # also the 200-claim re-run at 3/s and naive run (7 minutes)
    python bench/run.py --only parse,lint --no-write

The figures go between the markers in RESULTS.md (the notes around them are kept) and to stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO), str(REPO / "tests")]  # the fake server lives in tests/

import audit_bench  # noqa: E402
import lint_bench  # noqa: E402
import parse_bench  # noqa: E402
import render_bench  # noqa: E402
import report  # noqa: E402
import workloads  # noqa: E402
from Bio import Entrez  # noqa: E402

from evidence_tracker.pubmed.library import LibrarySource  # noqa: E402

SECTIONS = ("audit", "parse", "render", "lint")
RESULTS = BENCH / "RESULTS.md"
PUBMED_SIZED_COPIES = 200  # 24 × 200 = 4,800 records: each seed query meets retmax as on PubMed


def _audit(tmp: Path, args: argparse.Namespace) -> list[str]:
    shipped = LibrarySource([workloads.LIBRARY])
    big = LibrarySource([workloads.write_library(tmp, PUBMED_SIZED_COPIES)])
    seed = workloads.seed_workload(tmp / "seed")
    synthetic = workloads.synthetic_workload(tmp / "synthetic", 200)
    cases = [("seed claims, shipped library (24 records)", seed, shipped),
             (f"seed claims, PubMed-sized library ({len(big.records):,} records)", seed, big),
             ("200 synthetic claims, PubMed-sized library", synthetic, big)]
    runs, naive = [], []
    for index, (name, claims, library) in enumerate(cases):
        for rate in (3, 10):
            if index == 2 and rate == 3 and args.quick:
                continue
            rerun = not (index == 2 and rate == 3) or args.full
            runs += audit_bench.first_and_rerun(name, claims, library, rate,
                                                tmp / f"out-{index}-{rate}", rerun=rerun)
            _progress(runs[-1])
        if index < 2 or args.full:  # 2,600 requests at ~17 ms each: --full only
            naive.append(audit_bench.naive_run(name, claims, library))
            _progress(naive[-1])
        else:
            first = next(r for r in runs if r.workload == name and r.phase == "first")
            naive.append(audit_bench.naive_computed(first))
    return report.audit_tables(runs, naive)


def _progress(figures) -> None:
    print(f"  {figures.workload}: {figures.phase} at {figures.rate or '∞'}/s, "
          f"{figures.requests} requests, {figures.run_seconds:.1f} s", file=sys.stderr)


def _parse(tmp: Path, args: argparse.Namespace) -> list[str]:
    return report.parse_table([parse_bench.measure(n) for n in (200, 2_000, 20_000)])


def _render(tmp: Path, args: argparse.Namespace) -> list[str]:
    library = workloads.write_library(tmp, 100)
    return report.render_table(render_bench.measure(tmp / "render", library))


def _lint(tmp: Path, args: argparse.Namespace) -> list[str]:
    return report.lint_table(lint_bench.measure())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 200-claim runs at 3/s")
    parser.add_argument("--full", action="store_true",
                        help="add the 200-claim re-run at 3/s and its naive run")
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--no-write", action="store_true", help="print only, keep RESULTS.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the runs' own warnings are not results
    started, lines = time.perf_counter(), []
    with tempfile.TemporaryDirectory(prefix="evidence-tracker-bench-") as tmp:
        Entrez.local_cache = str(Path(tmp) / "entrez")  # Biopython's DTD cache, not in $HOME
        for name in args.only.split(","):
            print(f"{name} …", file=sys.stderr)
            lines += globals()[f"_{name.strip()}"](Path(tmp), args)
    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    block = report.header(command.strip(), time.perf_counter() - started) + lines
    print("\n".join(block))
    if not args.no_write:
        report.write_block(RESULTS, block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
