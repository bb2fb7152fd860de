"""Logging in and out in Chromium, as every browser test does it (the zh-hans login page)."""

import re

from tests.factories import PASSWORD


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def logout(page):
    """Log out and wait until the login page is back (the next login must not race the POST). On a phone the
    button sits in the collapsed menu: wait until the menu has finished opening before clicking."""
    if page.locator(".navbar-toggler[aria-expanded=true]").count():
        page.locator("#navbar-menu.show").wait_for()
    button = page.get_by_role("button", name="退出")
    button.wait_for(state="visible")
    with page.expect_navigation(url=re.compile(r"/login/")):
        button.click()
    page.get_by_label("用户名").wait_for()
