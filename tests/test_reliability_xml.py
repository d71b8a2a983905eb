"""Hostile XML (issue 8): entity bombs, external entities and foreign DTDs are refused before
Biopython's parser can expand them or fetch anything, in-process and through the CLI.

In-process, `Bio.Entrez.Parser.urlopen` is replaced by a recorder and an audit hook watches for
sockets and for opening the files the bodies point at. Through the CLI, the DTD and entity URLs
point at the fake server itself, whose log would show any fetch.
"""

from __future__ import annotations

import sys

import pytest
from Bio import Entrez
from Bio.Entrez import Parser as EntrezParser
from fake_eutils import Fault
from test_reliability_helpers import (ENDPLATE_TERM, claims_by_id, fake_ncbi, latest_report,
                                      make_workdir, run_cli)

from evidence_tracker.errors import PubMedFailure
from evidence_tracker.pubmed.parse import parse_articles, read_xml

NCBI_DTD = "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20990101/notbundled.dtd"
SEARCH = "<eSearchResult><Count>1</Count><RetMax>1</RetMax><RetStart>0</RetStart></eSearchResult>"
LAUGHS = ('<!DOCTYPE eSearchResult [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                    for i in range(1, 10))
          + ']><eSearchResult><Count>&lol9;</Count></eSearchResult>')
_watching: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _watching is not None and (event.startswith("socket.") or (
            event == "open" and any(s in str(args[0]) for s in ("passwd", ".dtd", "hostname")))):
        _watching.append((event, str(args[0])[:80]))


sys.addaudithook(_audit)  # hooks cannot be removed; it records only while a test watches


def _pad(doctype: str, body: str = SEARCH) -> str:
    return '<?xml version="1.0"?>\n<!--' + "x" * 600 + "-->\n" + doctype + "\n" + body


BODIES = {
    "billion-laughs": '<?xml version="1.0"?>\n' + LAUGHS,
    "xxe-file": ('<?xml version="1.0"?>\n<!DOCTYPE eSearchResult [<!ENTITY x SYSTEM '
                 '"file:///etc/passwd">]><eSearchResult><Count>&x;</Count></eSearchResult>'),
    "xxe-parameter-entity": ('<?xml version="1.0"?>\n<!DOCTYPE eSearchResult [<!ENTITY % p '
                             'SYSTEM "file:///etc/hostname"> %p;]><eSearchResult/>'),
    "remote-dtd": '<?xml version="1.0"?>\n<!DOCTYPE eSearchResult SYSTEM '
                  '"http://evil.example/evil.dtd">\n' + SEARCH,
    "ncbi-dtd-not-bundled": f'<?xml version="1.0"?>\n<!DOCTYPE eSearchResult SYSTEM "{NCBI_DTD}">'
                            + SEARCH,
    "ncbi-dtd-after-padding": _pad(f'<!DOCTYPE eSearchResult SYSTEM "{NCBI_DTD}">'),
    "single-quoted-public": _pad("<!DOCTYPE eSearchResult PUBLIC '-//x//y' "
                                 f"'{NCBI_DTD}'>"),
    "entities-after-padding": _pad('<!DOCTYPE x [<!ENTITY a "&#38;#60;script&#38;#62;">]>',
                                   "<x>&a;</x>"),
}


@pytest.fixture()
def watched(monkeypatch, tmp_path):
    """Fetches Biopython tries, and sockets or hostile files opened, while the test runs."""
    global _watching
    fetched: list[str] = []
    monkeypatch.setattr(EntrezParser, "urlopen", lambda url, *a, **k: fetched.append(url))
    monkeypatch.setattr(Entrez, "local_cache", str(tmp_path / "dtd-cache"))
    _watching = []
    yield fetched, _watching
    _watching = None


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_hostile_xml_is_refused_without_fetching_or_opening_anything(watched, tmp_path, body):
    fetched, touched = watched
    with pytest.raises(PubMedFailure) as refused:
        read_xml(body.encode())
    assert fetched == [] and touched == [], refused.value
    assert not (tmp_path / "dtd-cache").exists()
    assert "lol" not in str(refused.value) and "root:" not in str(refused.value)


def test_a_utf16_body_cannot_hide_its_doctype(watched):
    fetched, touched = watched
    body = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE eSearchResult SYSTEM "%s">%s'
    with pytest.raises(PubMedFailure, match="does not bundle: notbundled.dtd"):
        read_xml((body % (NCBI_DTD, SEARCH)).encode("utf-16-le"))
    assert fetched == [] and touched == []


def test_a_real_answer_naming_a_bundled_dtd_parses_offline(watched):
    fetched, touched = watched
    import ncbi_bodies

    records = parse_articles(ncbi_bodies.PUBMED_HEAD + b"<PubmedArticleSet></PubmedArticleSet>")
    assert records == [] and fetched == []
    # the parser reads local DTD copies (the user's, then Biopython's own), nothing else
    assert touched and all(event == "open" and "/Bio/Entrez/DTDs/" in path
                           for event, path in touched), touched


def test_hostile_xml_from_the_fake_ncbi_leaves_claims_not_checked(tmp_path):
    workdir = make_workdir(tmp_path)
    with fake_ncbi() as ncbi:
        dtd = f"{ncbi.url}evil.dtd"
        ncbi.fail("esearch", Fault(200, (f'<?xml version="1.0"?>\n<!DOCTYPE eSearchResult '
                                         f'SYSTEM "{dtd}">\n{SEARCH}').encode()),
                  term=ENDPLATE_TERM)
        ncbi.fail("efetch", Fault(200, BODIES["billion-laughs"].encode()))
        result = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi.url,
                         "--fail-on", "never", cwd=workdir, env={"NCBI_API_KEY": "xml-key"})
        endpoints = {e.endpoint for e in ncbi.log}
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert endpoints == {"esearch", "efetch"}  # nothing fetched evil.dtd from the server
    claims = claims_by_id(latest_report(workdir))
    assert "does not bundle: evil.dtd" in claims["normalizes-end-plate-activity"]["reason"]
    assert "internal DTD subset" in claims["deactivates-trigger-points"]["reason"]
