"""Configuration layers: defaults < TOML file < environment < flags; secrets never shown."""

from __future__ import annotations

import pytest

from evidence_tracker.config import Settings, load_settings
from evidence_tracker.errors import ConfigError


def test_layers_override_in_order(tmp_path):
    config = tmp_path / "et.toml"
    config.write_text('out = "from-file"\nretmax = 50\nemail = "file@example.org"\n'
                      'read_timeout = 12.5\n')
    env = {"EVIDENCE_TRACKER_OUT": "from-env", "NCBI_EMAIL": "env@example.org"}
    settings = load_settings({"out": "from-flag"}, env=env, config_file=str(config))
    assert settings.out == "from-flag"
    assert settings.email == "env@example.org"
    assert settings.retmax == 50 and settings.read_timeout == 12.5
    assert load_settings({}, env=env, config_file=str(config)).out == "from-env"
    assert load_settings({}, env={}, config_file=str(config)).out == "from-file"
    assert load_settings({}, env={}, config_file=None).out == Settings().out


def test_table_form_and_lists(tmp_path):
    config = tmp_path / "et.toml"
    config.write_text('[evidence-tracker]\nfail-on = ["retracted", "overclaim"]\n'
                      'library = ["a.xml", "b.nbib"]\n')
    settings = load_settings({}, env={}, config_file=str(config))
    assert settings.fail_on == ("retracted", "overclaim")
    assert settings.library == ("a.xml", "b.nbib")
    env = {"EVIDENCE_TRACKER_FAIL_ON": "never", "EVIDENCE_TRACKER_REFRESH": "yes"}
    settings = load_settings({}, env=env, config_file=str(config))
    assert settings.fail_on == ("never",) and settings.refresh is True


@pytest.mark.parametrize("text, message", [
    ("out = 'a'\nretmax = = 3\n", "et.toml:2: config:"),
    ("out = 'a'\nretmx = 3\n", "et.toml:2: retmx: unknown setting (did you mean 'retmax'?)"),
    ("retmax = 'many'\n", "et.toml:1: retmax: 'many' is not a valid int"),
    ("retmax = 1.5\n", "et.toml:1: retmax: '1.5' is not a valid int"),
    ("source = 'web'\n", "source: 'web' is not one of auto, pubmed, library"),
    ("fail_on = ['everything']\n", "fail_on: 'everything' is not one of"),
    ("keep_reports = 0\n", "et.toml:1: keep_reports: must be at least 1"),
])
def test_bad_config_is_one_clear_error(tmp_path, text, message):
    config = tmp_path / "et.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings({}, env={}, config_file=str(config))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_explicit_config_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_settings({}, env={}, config_file=str(tmp_path / "none.toml"))


def test_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError, match="EVIDENCE_TRACKER_REFRESH"):
        load_settings({}, env={"EVIDENCE_TRACKER_REFRESH": "perhaps"})


def test_redacted_hides_the_api_key():
    settings = load_settings({}, env={"NCBI_API_KEY": "sekret-key-123"})
    assert settings.api_key == "sekret-key-123"
    shown = settings.redacted()
    assert shown["api_key"] == "<set, redacted>"
    assert "sekret" not in repr(shown)
    assert shown["cache"].endswith("pubmed-cache.sqlite")
