"""The one real clock; everything that needs the time takes a `now` callable defaulting to it."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)
