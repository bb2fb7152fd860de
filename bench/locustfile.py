"""The users of the load bench (bench/load.py runs this with Locust headless; it is not run on its own).

The bench writes a plan (PARKOS_LOAD_PLAN, JSON): for each virtual user a login, its password and its own API token,
and the records its role may see. Officials browse (list pages with searches, filters, sorts and pages; detail pages;
an Excel export now and then); the enterprise user looks at its own requests and policies; API clients read and
write through their tokens. Every request is named by its kind, so the figures come out per kind."""

import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, task

PLAN = json.loads(open(os.environ["PARKOS_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_seats = {kind: itertools.cycle(PLAN[kind]) for kind in ("officials", "enterprises", "api")}
SEARCHES = ["科技", "制造", "长沙", "新材料", "机械", "电子", "食品", "汽车"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Browser(FastHttpUser):
    abstract = True
    seat: dict

    def on_start(self) -> None:
        page = self.client.get("/login/", name="login (form)")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/login/",
            data={
                "username": self.seat["username"],
                "password": self.seat["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login as {self.seat['username']} answered {r.status_code}")

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} on {url}")
            elif "/login/" in (r.url or ""):
                r.failure(f"sent to the login page from {url}")


class Official(_Browser):
    """A zone official at work: lists with searches and pages, a record, now and then an export."""

    weight = 6
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.seat = next(_seats["officials"])
        super().on_start()

    @task(6)
    def enterprise_list(self) -> None:
        q = random.choice(
            ["", f"q={random.choice(SEARCHES)}", "sort=-employees", f"page={random.randint(1, 20)}"]
        )
        self.page(f"/enterprises/?{q}", "page: enterprise list")

    @task(2)
    def enterprise_list_partial(self) -> None:  # the htmx table a filter or a page click fetches
        with self.client.get(
            f"/enterprises/?q={random.choice(SEARCHES)}&page=2",
            headers={"HX-Request": "true"},
            name="page: list partial (htmx)",
        ):
            pass

    @task(4)
    def enterprise_detail(self) -> None:
        if self.seat["enterprises"]:
            self.page(f"/enterprises/{random.choice(self.seat['enterprises'])}/", "page: enterprise detail")

    @task(2)
    def project_list(self) -> None:
        self.page(random.choice(["/projects/", "/projects/?sort=-investment"]), "page: other lists")

    @task(2)
    def project_detail(self) -> None:
        if self.seat["projects"]:
            self.page(f"/projects/{random.choice(self.seat['projects'])}/", "page: project detail")

    @task(2)
    def other_lists(self) -> None:
        self.page(
            random.choice(["/services/", "/policies/", "/chains/", "/workplan/", "/inbox/"]),
            "page: other lists",
        )

    @task(1)
    def export(self) -> None:
        self.page(f"/enterprises/?q={random.choice(SEARCHES)}&export=xlsx", "export: enterprises .xlsx")


class EnterpriseStaff(_Browser):
    """An enterprise's staff: its requests, the policies it may apply for, its own record."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.seat = next(_seats["enterprises"])
        super().on_start()

    @task
    def own_pages(self) -> None:
        url = random.choice(["/services/", "/policies/mine/", f"/enterprises/{self.seat['enterprises'][0]}/"])
        self.page(url, "page: enterprise user")


class _Api(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        self.seat = next(_seats["api"])
        self.auth = {"Authorization": f"Bearer {self.seat['token']}"}

    def read(self, url: str, name: str = "api: read") -> None:
        with self.client.get(url, headers=self.auth, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} on {url}")

    def reads(self) -> None:
        pick = random.random()
        if pick < 0.4:
            self.read(f"/api/v1/enterprises/{random.choice(self.seat['enterprises'])}")
        elif pick < 0.7:
            q = random.choice(["", f"&q={random.choice(SEARCHES)}", "&sort=-employees"])
            self.read(f"/api/v1/enterprises/?page={random.randint(1, 10)}&page_size=20{q}")
        elif pick < 0.85:
            self.read(f"/api/v1/enterprises/{random.choice(self.seat['enterprises'])}/monthly")
        else:
            self.read(f"/api/v1/projects/?page={random.randint(1, 3)}&page_size=20")


class ApiClient(_Api):
    """A data exchange: mostly reads, and the month's indicators written back."""

    weight = 3
    wait_time = between(0.2, 1)

    @task(8)
    def api_read(self) -> None:
        self.reads()

    @task(1)
    def api_write(self) -> None:
        """Read the month's row for its version, write it back changed (as the API asks: a stale version is a
        409, which here would be an error — each client writes its own enterprises)."""
        pk = random.choice(self.seat["writable"])
        month = self.seat["month"]
        with self.client.get(
            f"/api/v1/enterprises/{pk}/monthly", headers=self.auth, name="api: read", catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} on the monthly rows of {pk}")
                return
            rows = r.json()
        version = next((m["version"] for m in rows if str(m["month"]).startswith(month)), None)
        body = {
            "version": version,
            "output_value": f"{random.randint(100, 9999)}.00",
            "electricity_kwh": random.randint(1000, 99999),
        }
        with self.client.put(
            f"/api/v1/enterprises/{pk}/monthly/{month}",
            json=body,
            headers=self.auth,
            name="api: write",
            catch_response=True,
        ) as w:
            if w.status_code != 200:
                w.failure(f"{w.status_code}: {(w.text or '')[:200]}")


class ApiReader(_Api):
    """The API-read phase: clients that only read, as fast as the server answers."""

    wait_time = between(0, 0.05)

    @task
    def api_read(self) -> None:
        self.reads()
