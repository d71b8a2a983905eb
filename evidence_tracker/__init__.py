"""evidence-tracker: audit health and course marketing claims against PubMed."""

__version__ = "0.1.0"
