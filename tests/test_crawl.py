"""Every page as an official meets it (issue 13): for every demo login, every page the menu links and every page
those link to (one level deeper) answers 200 or a redirect — never 404, 403 or 500 —, shows no stored code in its
visible text, and loads nothing from another host."""

from __future__ import annotations

import html as html_lib
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.test import Client

from parkos.core.models import User
from parkos.demo import demo_build

pytestmark = pytest.mark.slow

# true English a Chinese page may show: file types, units, product names, the API
ALLOWED_WORDS = {"xlsx", "docx", "pdf", "csv", "json", "api", "parkos", "openapi", "echarts", "http", "https"}
ALLOWED_WORDS |= {"ppp"}  # the 2020 work points' own text: 优化ppp项目融资方式


def _choice_codes() -> set[str]:
    """Every stored code of every choice field: lowercase words a user should never read."""
    codes: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_.]*", value) and len(value) > 2:
                    codes.add(value)
    return codes - ALLOWED_WORDS


# a SHA-256 digest (a draw's commitment and input hashes) is published to be compared character by character, not a
# stored code standing in for a label
SHA256 = re.compile(r"[0-9a-f]{64}")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))  # what the reader sees: R&D, not R&amp;D


def _links(html: str) -> set[str]:
    out = set()
    for href in re.findall(r'href="([^"#][^"]*)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith(("/static/", "/media/", "//", "/admin/")):
            if "export=" not in href and not href.startswith(("/logout", "/api/v1/openapi")):
                out.add(href)
    return out


def _exports(html: str, url: str) -> set[str]:
    """The page's Excel exports, resolved against its address (`?export=xlsx&…` links are relative)."""
    out = set()
    for href in re.findall(r'href="([^"#]*[?&](?:amp;)?export=xlsx[^"]*)"', html):
        href = href.replace("&amp;", "&")
        out.add(url.split("?")[0] + href if href.startswith("?") else href)
    return {u for u in out if u.startswith("/")}


def _partials(html: str) -> set[str]:
    """What the page loads by htmx when opened or clicked (the enterprise page's tabs)."""
    return {u.replace("&amp;", "&") for u in re.findall(r'hx-get="(/[^"]*)"', html)}


def _sheet_strings(content: bytes) -> set[str]:
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = book.get_sheet_by_index(0).to_python()
    return {c.strip() for row in rows[1:] for c in row if isinstance(c, str)}


def _outside_assets(html: str) -> list[str]:
    return re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="((?:https?:)?//[^"]+)"', html)


def _nav_links(html: str) -> set[str]:
    header = re.search(r"<header\b.*?</header>", html, flags=re.S)
    return _links(header.group(0)) if header else set()


@pytest.fixture
def demo_zone(db):
    return demo_build(
        enterprises=120,
        seed=7,
        months=3,
        evaluate=True,
        projects=24,
        workplan=True,
        investment=True,
        services=True,
    )


def test_every_page_an_official_reaches_answers_shows_labels_and_stays_on_this_host(demo_zone):
    allowed = ALLOWED_WORDS | set(User.objects.values_list("username", flat=True))  # login names are names
    codes = _choice_codes() - allowed
    word = re.compile(r"(?<![A-Za-z0-9_./-])([a-z][a-z0-9]*(?:[_.][a-z0-9]+)*)(?![A-Za-z0-9_/-])")
    problems: dict[str, set[str]] = defaultdict(set)
    checked_exports: set[str] = set()
    for user in User.objects.filter(username__in=[u for u, _r, _n in demo_zone.users]).order_by("username"):
        client = Client()
        client.force_login(user)
        home = client.get("/", follow=True)
        menu = _nav_links(home.content.decode()) | {
            home.redirect_chain[-1][0] if home.redirect_chain else "/"
        }
        seen: set[str] = set()
        exports: set[str] = set()
        frontier = sorted(menu)
        for depth in (0, 1, 2):  # the menu, one level deeper, and the partials those pages load
            nxt: set[str] = set()
            for url in frontier:
                if url in seen:
                    continue
                seen.add(url)
                r = client.get(url)
                if r.status_code in (301, 302):
                    continue
                if r.status_code != 200:
                    problems[f"{r.status_code}"].add(f"{user.username} {url}")
                    continue
                if "html" not in r.headers.get("Content-Type", ""):
                    continue
                html = r.content.decode()
                for asset in _outside_assets(html):
                    problems["outside asset"].add(f"{user.username} {url} {asset}")
                text = _visible_text(html)
                raw = {
                    w
                    for w in word.findall(text)
                    if (w in codes or len(w) >= 3) and w not in allowed and not SHA256.fullmatch(w)
                }
                for w in raw:
                    problems["raw code"].add(f"{w} ({user.username} {url})")
                if depth < 2:
                    exports |= {
                        e
                        for e in _exports(html, url)
                        if e.split("?")[0] not in {x.split("?")[0] for x in exports}
                    }
                if depth == 0:
                    nxt |= _links(html) | _partials(html)
                elif depth == 1:
                    nxt |= _partials(html)
            frontier = sorted(nxt - seen)
        checked_exports.update(exports)
        for url in sorted(exports):  # the Excel a list exports speaks labels too
            r = client.get(url)
            if r.status_code != 200:
                problems[f"export {r.status_code}"].add(f"{user.username} {url}")
                continue
            for cell in _sheet_strings(r.content):
                if cell in codes:
                    problems["raw code in export"].add(f"{cell} ({user.username} {url})")
    assert len(checked_exports) >= 15  # the list pages' exports were read
    report = "\n".join(f"{k}: {line}" for k, v in sorted(problems.items()) for line in sorted(v))
    assert not problems, report
