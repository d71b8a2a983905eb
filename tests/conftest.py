"""Shared fixtures: no test may reach the network or write Biopython's DTD cache under $HOME."""

from __future__ import annotations

from pathlib import Path

import pytest
from Bio import Entrez

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _entrez_cache(tmp_path_factory, monkeypatch):
    """Point Biopython's DTD cache at a temp dir so tests never touch the user's home."""
    monkeypatch.setattr(Entrez, "local_cache", str(tmp_path_factory.mktemp("entrez-cache")))
