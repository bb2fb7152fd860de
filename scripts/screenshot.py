"""Screenshots of a running ParkOS for the README: `python scripts/screenshot.py http://127.0.0.1:8000`."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        page.goto(f"{base}/login/")
        page.get_by_label("用户名").fill("jfj_staff")
        page.get_by_label("密码").fill("ParkOS@2026")
        page.get_by_role("button", name="登录").click()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "overview.png"))
        page.goto(f"{base}/enterprises/?flag=above_scale")
        page.screenshot(path=str(OUT / "enterprises.png"))
        page.locator("#enterprise-table tbody tr a").first.click()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "enterprise.png"), full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
