"""Real Chromium (Debian's, never downloaded) driven by Playwright against a live server.

The browser tests need `chromium` on the PATH and axe-core from npm (`make install`); where
either is missing they are skipped, except in CI (`CI=true`), where that is an error.
Every page a test opens is watched: a JavaScript error, a resource refused by the
Content-Security-Policy or a failed request of the platform's own assets fails the test.
"""
import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

# Playwright's sync API runs an event loop in the test's thread; the ORM calls that set up
# the data run in the same thread, outside that loop's tasks, which is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _missing(what: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI for the browser tests")
    pytest.skip(f"{what} not available: browser tests skipped")


@pytest.fixture(scope="session")
def chromium():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _missing("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                         args=["--no-sandbox", "--disable-dev-shm-usage"])
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing("axe-core (npm ci)")
    return AXE.read_text(encoding="utf-8")


class PageProblems(list):
    """What went wrong in the browser while a test ran."""

    def watch(self, page, base_url: str) -> None:
        page.on("pageerror", lambda error: self.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("requestfailed", lambda request: self._failed(request, base_url))
        page.on("response", lambda response: self._response(response, base_url))

    def _console(self, message) -> None:
        # A page answered with a 4xx on purpose (a bad filter explained on a 400 page) is
        # logged as "Failed to load resource"; failed assets are caught in `_response`.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.append(f"console: {message.text}")

    def _failed(self, request, base_url: str) -> None:
        if request.url.startswith(base_url) and request.failure != "net::ERR_ABORTED":
            self.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response, base_url: str) -> None:
        # Pages may answer 4xx by design; what a page loads (assets, fetches) may not.
        if response.request.resource_type != "document" and response.status >= 400:
            self.append(f"{response.request.resource_type} {response.url}: "
                        f"HTTP {response.status}")


@pytest.fixture
def browser_page(chromium, live_server, settings):
    """A French-speaking browser tab on the live server; fails the test on any problem."""
    settings.ALLOWED_HOSTS = ["*"]
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = PageProblems()
    problems.watch(page, live_server.url)
    yield page
    context.close()
    assert list(problems) == [], problems


@pytest.fixture
def axe_check(chromium, live_server, axe_source, settings):
    """axe_check(path) -> the serious and critical accessibility violations of that page.

    axe-core is injected into the page, which the platform's own policy forbids (inline
    script): this context alone bypasses the policy, the journeys above keep it."""
    settings.ALLOWED_HOSTS = ["*"]
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url,
                                   bypass_csp=True)
    page = context.new_page()

    def check(path: str, user=None, before: str = "") -> list[str]:
        context.clear_cookies()
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value,
                                  "url": live_server.url}])
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        if before:
            page.evaluate(before)
        page.add_script_tag(content=axe_source)
        results = page.evaluate("""async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        return [f"{path}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
                for v in results if v["impact"] in {"serious", "critical"}]

    yield check
    context.close()
