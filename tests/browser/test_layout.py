"""Phone and wide screen (issue 13 §7): at 390 px and at 1440 px no page of the portal, the funnel board or the
menu runs wider than the window, and at 1440 px the menu sits on one line."""

import pytest

from parkos.core.models import User
from parkos.demo import demo_build
from tests.browser.session import login, logout
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1440)
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo_zone():
    demo_build(enterprises=40, seed=7, months=2, evaluate=True, projects=4, investment=True, services=True)
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _logout(page):
    if page.get_by_role("button", name="菜单").is_visible():  # on a phone the log-out button is in the menu
        page.get_by_role("button", name="菜单").click()
    logout(page)


def _portal_pages(page, base):
    page.goto(f"{base}/")
    links = page.eval_on_selector_all(
        "header a.nav-link, main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    return sorted({u for u in links if u and u.startswith("/") and "export=" not in u})[:25]


def test_no_page_runs_wider_than_a_phone_or_a_wide_screen(page, live_server, demo_zone):
    overflow = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        login(page, live_server, "qiye")
        for url in ["/", *_portal_pages(page, live_server.url)]:
            page.goto(f"{live_server.url}{url}")
            extra = page.evaluate(OVERFLOW)
            if extra > 0:
                overflow.append((width, "qiye", url, extra))
        _logout(page)
        login(page, live_server, "tcj_admin")
        for url in ["/investment/", "/"]:
            page.goto(f"{live_server.url}{url}")
            extra = page.evaluate(OVERFLOW)
            if extra > 0:
                overflow.append((width, "tcj_admin", url, extra))
        if width >= 1366:
            tops = page.eval_on_selector_all(
                "header .navbar-nav > .nav-item", "els => [...new Set(els.map(e => e.offsetTop))]"
            )
            if len(tops) > 1:
                overflow.append((width, "tcj_admin", "menu on more than one line", tops))
        _logout(page)
    assert overflow == []
