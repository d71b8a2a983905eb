"""Configuration, merged in one place from numbered layers.

1. defaults (`Settings` field defaults)
2. a TOML file: `--config PATH`, else `evidence-tracker.toml` in the working directory if present
   (keys as in `Settings`, optionally under a `[evidence-tracker]` table)
3. environment: `NCBI_API_KEY`, `NCBI_EMAIL`, and `EVIDENCE_TRACKER_<FIELD>` for any field
4. command-line flags

Nothing here runs at import time; `load_settings` is called by the CLI only.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from evidence_tracker.errors import ConfigError
from evidence_tracker.thresholds import CHECKS

DEFAULT_CONFIG_FILE = "evidence-tracker.toml"
NCBI_EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
SECRET_FIELDS = ("api_key",)
FAIL_ON_CHOICES = tuple(CHECKS)


@dataclass(frozen=True)
class Settings:
    """Every setting of a run. Paths are kept as given; the CLI resolves them."""

    claims: tuple[str, ...] = ("claims",)
    out: str = "reports"
    source: str = "auto"  # auto | pubmed | library
    eutils_url: str = NCBI_EUTILS
    library: tuple[str, ...] = ("claims/library",)
    email: str = ""
    api_key: str = ""
    tool: str = "evidence-tracker"
    cache: str = ""  # default: <out>/pubmed-cache.sqlite
    store: str = ""  # default: <out>/evidence-tracker.sqlite
    search_ttl_hours: float = 20.0
    record_ttl_days: float = 30.0
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    answer_seconds: float = 120.0  # longest a whole answer may take to arrive
    max_retries: int = 4
    retry_budget_seconds: float = 300.0
    backoff_base: float = 1.0  # seconds before the first retry; doubles each time (plus jitter)
    retmax: int = 100
    refresh: bool = False
    offline: bool = False
    rules: str = ""  # an extra language-rules YAML file
    fail_on: tuple[str, ...] = ("retracted",)
    keep_reports: int = 60  # runs whose whole report.json the store keeps (older: summary only)
    config_file: str = field(default="", metadata={"internal": True})

    @property
    def cache_path(self) -> Path:
        return Path(self.cache) if self.cache else Path(self.out) / "pubmed-cache.sqlite"

    @property
    def store_path(self) -> Path:
        return Path(self.store) if self.store else Path(self.out) / "evidence-tracker.sqlite"

    def redacted(self) -> dict[str, Any]:
        """All settings as plain data, secrets replaced by a marker saying whether they are set."""
        data = dataclasses.asdict(self)
        for name in SECRET_FIELDS:
            data[name] = "<set, redacted>" if data[name] else "<not set>"
        data["cache"], data["store"] = str(self.cache_path), str(self.store_path)
        return data


_FIELDS = {f.name: f for f in fields(Settings)}
_KIND_WORDS = {tuple: "list", float: "number", int: "int (whole number)", bool: "bool (true/false)",
               str: "string"}


def _coerce(name: str, value: Any, origin: str) -> Any:
    """Convert `value` from `origin` (file, env var or flag) to the type of field `name`."""
    kind = type(_FIELDS[name].default)
    try:
        if kind is tuple:
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(v).strip() for v in items if str(v).strip())
        if kind is bool:
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes", "on")
            return bool(value)
        if kind is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(value)  # 1.5 retries is a typo, not 1
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}: {name}: '{value}' is not a valid "
                          f"{_KIND_WORDS.get(kind, kind.__name__)}") from None


def _file_layer(path: Path, explicit: bool) -> dict[str, tuple[Any, str]]:
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}:0: config: no such file")
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"{path}:{line.group(1) if line else 0}: config: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}:0: config: cannot be read ({exc.strerror})") from None
    data = data.get("evidence-tracker", data)
    values = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        origin = f"{path}:{_key_line(text, key)}"
        if name not in _FIELDS or name == "config_file":
            close = difflib.get_close_matches(name, list(_FIELDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{origin}: {key}: unknown setting{hint}")
        values[name] = (_coerce(name, value, origin), origin)
    return values


def _key_line(text: str, key: str) -> int:
    """1-based line where `key` is set in a TOML text (0 when not found)."""
    found = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _env_layer(env: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    values = {}
    for name in _FIELDS:
        var = f"EVIDENCE_TRACKER_{name.upper()}"
        if env.get(var):
            values[name] = (_coerce(name, env[var], f"environment {var}"), f"environment {var}")
    if env.get("NCBI_API_KEY"):
        values["api_key"] = (env["NCBI_API_KEY"], "environment NCBI_API_KEY")
    if env.get("NCBI_EMAIL"):
        values["email"] = (env["NCBI_EMAIL"], "environment NCBI_EMAIL")
    return values


def load_settings(flags: Mapping[str, Any], *, env: Mapping[str, str] | None = None,
                  config_file: str | None = None) -> Settings:
    """Merge defaults, config file, environment (`env`, default os.environ) and `flags`."""
    env = os.environ if env is None else env
    explicit = bool(config_file)
    path = Path(config_file or env.get("EVIDENCE_TRACKER_CONFIG") or DEFAULT_CONFIG_FILE)
    merged: dict[str, tuple[Any, str]] = {}  # name -> (value, where it was set)
    merged.update(_file_layer(path, explicit or "EVIDENCE_TRACKER_CONFIG" in env))
    merged.update(_env_layer(env))
    merged.update({k: (_coerce(k, v, _flag(k)), _flag(k)) for k, v in flags.items()
                   if v is not None and v != () and k in _FIELDS})
    merged["config_file"] = (str(path) if path.exists() else "", "")
    settings = Settings(**{name: value for name, (value, _) in merged.items()})
    _validate(settings, {name: origin for name, (_, origin) in merged.items()})
    return settings


def _flag(name: str) -> str:
    return f"--{name.replace('_', '-')}"


def _validate(settings: Settings, origins: Mapping[str, str]) -> None:
    """Check merged values; an error names where the value was set (file:line, env var, flag)."""
    def fail(name: str, message: str) -> None:
        raise ConfigError(f"{origins.get(name) or 'default'}: {name}: {message}")

    if settings.source not in ("auto", "pubmed", "library"):
        fail("source", f"'{settings.source}' is not one of auto, pubmed, library")
    for value in settings.fail_on:
        if value not in FAIL_ON_CHOICES:
            fail("fail_on", f"'{value}' is not one of {', '.join(FAIL_ON_CHOICES)}")
    for name in ("search_ttl_hours", "record_ttl_days", "connect_timeout", "read_timeout",
                 "answer_seconds", "backoff_base"):
        if getattr(settings, name) <= 0:
            fail(name, "must be greater than 0")
    if settings.keep_reports < 1:
        fail("keep_reports", "must be at least 1 (the next run compares with the last report)")
    if not settings.eutils_url.startswith(("http://", "https://")):
        fail("eutils_url", f"'{settings.eutils_url}' is not an http(s) URL")
