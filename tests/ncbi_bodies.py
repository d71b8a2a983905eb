"""Real NCBI answers for tests and the fake server: the saved samples and ERRORS.md's bodies.

Every body here is quoted verbatim from `../shared/ncbi-samples/ERRORS.md` (which names the
source of each) or read from `../shared/ncbi-samples/biopython/`; none is invented. The shared
folder is test material only: the product never reads it.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "ncbi-samples" / "biopython"


def sample(name: str) -> bytes:
    """The bytes of one saved NCBI answer, e.g. `sample("esearch1.xml")`."""
    return (SAMPLES / name).read_bytes()


# The declaration and DOCTYPE lines of real answers, for bodies built around a payload.
ESEARCH_HEAD = (b'<?xml version="1.0" encoding="UTF-8" ?>\n'
                b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
                b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n')
PUBMED_HEAD = (b'<?xml version="1.0" ?>\n'
               b'<!DOCTYPE PubmedArticleSet PUBLIC '
               b'"-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
               b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')
EFETCH_HEAD = (b'<?xml version="1.0" encoding="UTF-8" ?>\n'
               b'<!DOCTYPE eEfetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
               b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n')

# §1: HTTP 429 (the JSON NCBI sends; the same JSON is reported with HTTP 200 too).
RATE_LIMIT_JSON = (b'{"error":"API rate limit exceeded","api-key":"157.131.198.215",'
                   b'"count":"5","limit":"3"}')


def esearch_error(text: str) -> bytes:
    """An esearch `<ERROR>` answer (HTTP 200) carrying `text`, shaped as ERRORS.md §2 shows."""
    return (ESEARCH_HEAD + b"<eSearchResult>\n\t<ERROR>" + text.encode()
            + b"</ERROR>\n</eSearchResult>\n")


# §2: texts NCBI put in esearch's <ERROR> (HTTP 200).
BACKEND_FAILED = "Search Backend failed: Unable to open connection to #PMQuerySrv?dbaf=taxonomy"
BACKEND_502 = "Search Backend failed: Pubmed 2.0 search API: HTTP request returned 502 status."
DB_NOT_SUPPORTED = "Search Backend failed: Database is not supported: pubmed"
RETSTART_TOO_LARGE = ("Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. "
                      "For PubMed, ESearch can only retrieve the first 9,999 records matching "
                      "the query. To obtain more than 9,999 PubMed records, consider using EDirect "
                      "that contains additional logic to batch PubMed search results automatically "
                      "so that an arbitrary number can be retrieved. For details see "
                      "https://www.ncbi.nlm.nih.gov/books/NBK25499/")
WEBENV_EXPIRED = "Unable to obtain query #1"

# §3: efetch. Block A (400), block B (200, unknown PMID), block C (400, relayed 502 page).
EFETCH_ID_LIST_EMPTY = (EFETCH_HEAD + b"<eFetchResult>\n\t<ERROR>ID list is empty! Possibly it "
                        b"has no correct IDs.</ERROR>\n</eFetchResult>\n")
EMPTY_ARTICLE_SET = PUBMED_HEAD + b"<PubmedArticleSet></PubmedArticleSet>\n"
EFETCH_PROXY_502 = (
    EFETCH_HEAD + b"<eFetchResult>\n\t<ERROR> Error: CEFetchPApplication::proxy_stream(): &#xa;"
    b"&lt;html&gt;&lt;head&gt;&#xa;&lt;meta http-equiv=&quot;content-type&quot; content=&quot;"
    b"text/html;charset=utf-8&quot;&gt;&#xa;&lt;title&gt;502 Server Error&lt;/title&gt;&#xa;"
    b"&lt;/head&gt;&#xa;&lt;body text=#000000 bgcolor=#ffffff&gt;&#xa;&lt;h1&gt;Error: Server "
    b"Error&lt;/h1&gt;&#xa;&lt;h2&gt;The server encountered a temporary error and could not "
    b"complete your request.&lt;p&gt;Please try again in 30 seconds.&lt;/h2&gt;&#xa;&lt;h2&gt;"
    b"&lt;/h2&gt;&#xa;&lt;/body&gt;&lt;/html&gt;</ERROR>\n</eFetchResult>\n")

# §5: 5xx and other non-XML bodies.
GATEWAY_500_JSON = (b'{"error":"error forwarding request","api-key":'
                    b'"2001:da8:8001:864:d929:3366:93a:3c09","type":"ip","status":"ok"}')
HTML_502 = (b'<html><head>\n<meta http-equiv="content-type" content="text/html;charset=utf-8">\n'
            b"<title>502 Server Error</title>\n</head>\n<body text=#000000 bgcolor=#ffffff>\n"
            b"<h1>Error: Server Error</h1>\n<h2>The server encountered a temporary error and "
            b"could not complete your request.<p>Please try again in 30 seconds.</h2>\n<h2></h2>\n"
            b"</body></html>\n")
ROUTE_TEXT = (b"Unable to route request!\n\nservice name: /http/service/ratecontrol\n\ndtab:\n\n"
              b"base dtab:\n\noverride dtab:\n")

# §7: ECitMatch answer lines (Biopython's documented example, cyanheads#125 and #25).
CITMATCH_LINE = "proc natl acad sci u s a|1991|88|3248|mann bj|{key}|2014248"
CITMATCH_AMBIGUOUS = "N Engl J Med|2024|390|889|Wood RA|{key}|AMBIGUOUS 33057196,32076266,32025019"


def efetch_error(text: str) -> bytes:
    """An efetch `<eFetchResult>` error envelope carrying `text` (ERRORS.md §3's shape)."""
    return (EFETCH_HEAD + b"<eFetchResult>\n\t<ERROR>" + text.encode()
            + b"</ERROR>\n</eFetchResult>\n")
