"""Markdown for the benchmark figures, the machine they ran on, and the RESULTS.md block."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from workloads import REPO

from evidence_tracker.pubmed.ratelimit import HEADROOM

START, END = "<!-- results:start -->", "<!-- results:end -->"
PACKAGES = ("evidence-tracker", "biopython", "requests", "urllib3", "jinja2", "pandas", "pysbd",
            "nh3", "rapidfuzz", "PyYAML")
LINT_TARGET, RENDER_TARGET_S, HTML_TARGET_MB, RATIO_TARGET, NAIVE_TARGET = 1.0, 2.0, 5.0, 1.1, 10


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def header(command: str, seconds: float) -> list[str]:
    """Date, command, machine, versions and commit of this run."""
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    dirty = " (product files changed since)" if _git("status", "--porcelain", "--",
                                                       "evidence_tracker") else ""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, `{command}`, "
            f"{seconds / 60:.1f} min in all.", "",
            f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, load "
            f"average {load} at the end; Python {platform.python_version()}; "
            + ", ".join(versions) + f"; commit {_git('rev-parse', '--short', 'HEAD')}{dirty}.", ""]


def audit_tables(runs: list, naive: list) -> list[str]:
    """Requests per audit against the targets and the naive client; then time against the floor."""
    naive_by = {n.workload: n for n in naive}
    lines = ["### Requests per audit", "",
             "| workload | run | N claims | M PMIDs | esearch | efetch | requests | target | "
             "meets | naive client | fewer than naive |", "|" + "---|" * 11]
    seen = set()
    for r in runs:
        if (r.workload, r.phase) in seen:
            continue
        seen.add((r.workload, r.phase))
        n = naive_by.get(r.workload)
        times = n.requests / r.requests if n else math.nan
        lines.append(
            f"| {r.workload} | {r.phase} | {r.claims} | {r.pmids} | {r.endpoints.get('esearch', 0)}"
            f" | {r.endpoints.get('efetch', 0)} | {r.requests} | ≤ {r.target}"
            f"{' and no efetch' if r.phase == 'rerun' else ''} | {_mark(r.meets_target)} | "
            f"{n.requests if n else '—'}{' (computed)' if n and 'computed' in n.phase else ''}"
            f" | {times:.1f}× ({_mark(times >= NAIVE_TARGET)}) |")
    counts = {}
    for r in runs:
        counts.setdefault((r.workload, r.phase), set()).add(r.requests)
    for key, found in counts.items():
        if len(found) > 1:
            lines += ["", f"**Counts differ between rates** for {key}: {sorted(found)}"]
    lines += ["", "### Wall time against NCBI's floor (requests ÷ rate)", "",
              "| workload | run | rate/s | requests | floor s | audit s | audit ÷ floor | "
              "limiter spacing s | audit − spacing s | whole run s | run ÷ floor | 429s |",
              "|" + "---|" * 12]
    for r in runs:
        spacing = (r.requests - 1) * HEADROOM / r.rate  # the limiter's own minimum
        lines.append(
            f"| {r.workload} | {r.phase} | {r.rate:g} | {r.requests} | {r.floor_seconds:.1f} | "
            f"{r.audit_seconds:.1f} | {r.ratio(r.audit_seconds):.2f} "
            f"({_mark(r.ratio(r.audit_seconds) <= RATIO_TARGET)}) | {spacing:.1f} | "
            f"{r.audit_seconds - spacing:.1f} | {r.run_seconds:.1f} | "
            f"{r.ratio(r.run_seconds):.2f} | {r.rate_limited} |")
    return lines + ["", "Audit: claim files to verdicts (searches, fetches, grading, lint); whole "
                        "run: plus report and run store. Limiter spacing: (requests − 1) × "
                        f"{HEADROOM} ÷ rate, the least time the client's limiter allows; audit − "
                        "spacing is local work and waiting on answers beyond it.", ""]


def parse_table(figures: list) -> list[str]:
    """Records/s and peak memory per size."""
    lines = ["### Parsing PubMed XML (`parse_articles`, efetch batches of 200)", "",
             "| records | XML MB | records/s, batches dropped | records/s, records kept | "
             "peak MB, batches dropped | peak MB, records kept |", "|" + "---|" * 6]
    for f in figures:
        lines.append(f"| {f.records:,} | {f.body_mb:.0f} | {f.records_per_second(False):,.0f} | "
                     f"{f.records_per_second(True):,.0f} | {f.streaming_peak_mb:.0f} | "
                     f"{f.kept_peak_mb:.0f} |")
    return lines + ["", "Peak MB: resident memory above the process's after imports and DTDs.",
                    ""]


def render_table(f) -> list[str]:
    """Seconds per report stage and output sizes."""
    stages = " + ".join(f"{name} {s:.2f}" for name, s in f.stage_seconds.items())
    html = f.sizes_mb.get("index.html", math.nan)
    sizes = ", ".join(f"{name} {mb:.1f} MB" for name, mb in f.sizes_mb.items())
    return ["### Rendering", "",
            f"{f.claims:,} claims, {f.record_rows:,} claim × record rows: {stages} = "
            f"**{f.seconds:.2f} s** (target ≤ {RENDER_TARGET_S:g} s: {_mark(f.seconds <= RENDER_TARGET_S)})."
            f" {sizes} (HTML target ≤ {HTML_TARGET_MB:g} MB: {_mark(html <= HTML_TARGET_MB)}). "
            f"The audit that produced it took {f.prepare_seconds:.1f} s (not counted).", ""]


def lint_table(figures: list) -> list[str]:
    """MB/s per corpus shape."""
    lines = ["### Lint", "", "| shape | documents | MB | seconds | findings | MB/s | target ≥ 1 |",
             "|" + "---|" * 7]
    for f in figures:
        lines.append(f"| {f.shape} | {f.documents:,} | {f.mb:.2f} | {f.seconds:.2f} | "
                     f"{f.findings:,} | {f.mb_per_second:.2f} | "
                     f"{_mark(f.mb_per_second >= LINT_TARGET)} |")
    return lines + [""]


def write_block(path: Path, block: list[str]) -> None:
    """Replace the text between the markers of `path` with `block` (appended when absent)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    body = "\n".join([START, *block, END])
    if START in text and END in text:
        text = text[:text.index(START)] + body + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + body + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"figures written to {path}", file=sys.stderr)
