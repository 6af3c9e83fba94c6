"""Browser tests: a real `recomentor serve` and Debian's Chromium driven by Playwright.

How a page test uses these fixtures::

    def test_sign_in_page(page: Page, snap: Snap) -> None:
        page.goto("/sign-in")                 # relative to the server's address
        expect(page.get_by_label("Email")).to_be_visible()
        snap(page, "sign-in")                 # screenshots at 1280 and 390 px wide

- `page`: a fresh browser context (no cookies) on the module's server. At teardown the test
  fails if any request went to another host (such requests are also aborted, since offline they
  could only hang), or on any console error or uncaught page error, all listed. A test that
  provokes a console error on purpose says so first: `browser_log.expect_console_error("401")`.
- Language: the context sends `Accept-Language` from the `language` fixture, "en-US" unless the
  test parametrizes it: `@pytest.mark.parametrize("language", LANGUAGES)` (from tests.browser)
  runs the test in English and in French. `new_page("fr-FR")` gives a further page with its own
  context and log (checked the same way), e.g. a viewer beside a manager.
- `snap(page, name)`: full-page screenshots of the page as it is, at 1280 and 390 px wide, as
  tests/web/screenshots/TEST/NAME-LANGUAGE-WIDTH.png. That folder is gitignored and emptied when
  a run starts, so it holds the last run's pictures: look at them after changing a page.
- `server`: one `recomentor serve` per test module (`server.origin`, `server.home`), on a free
  port with its own data home. Data that must exist before it starts goes in by overriding
  `web_home` in the module, e.g. with users from `tests.browser.create_user(home, email, role,
  password)`; `create_user` and `create_api_key(home, scopes)` also work while it runs (the
  same database). Tests in one module share the server, so each creates what it needs under
  names of its own rather than counting rows.

Every test here is marked `integration`. Without a working /usr/bin/chromium the whole folder
is skipped with the reason; set RECOMENTOR_BROWSER_TESTS=required to make that a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import (
    BrowserLog,
    BrowserUnavailable,
    browser_required,
    empty_screenshots,
    launch_chromium,
    screenshot_folder,
    snap_widths,
    watched_context,
)
from tests.servers import serving

HERE = Path(__file__).resolve().parent
Snap = Callable[[Page, str], list[Path]]
NewPage = Callable[[str], tuple[Page, BrowserLog]]


@dataclass(frozen=True)
class WebServer:
    origin: str
    home: Path
    # The server's whole output, once it has stopped.
    output: list[str]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = launch_chromium(playwright)
        except BrowserUnavailable as unavailable:
            if browser_required():
                pytest.fail(str(unavailable))
            pytest.skip(str(unavailable))
        empty_screenshots()
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _needs_chromium(chromium: Browser) -> None:
    """Every test here skips (or fails, when required) without the browser, server or not."""


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-home")


@pytest.fixture(scope="module")
def server(web_home: Path) -> Iterator[WebServer]:
    with serving(web_home) as (origin, output):
        yield WebServer(origin, web_home, output)


@pytest.fixture
def language() -> str:
    return "en-US"


@pytest.fixture
def new_page(chromium: Browser, server: WebServer) -> Iterator[NewPage]:
    with ExitStack() as contexts:
        logs: list[BrowserLog] = []

        def open_page(language: str) -> tuple[Page, BrowserLog]:
            context, log = contexts.enter_context(
                watched_context(chromium, server.origin, language)
            )
            logs.append(log)
            return context.new_page(), log

        yield open_page
        problems = [problem for log in logs for problem in log.problems()]
        assert problems == [], "the browser saw:\n" + "\n".join(problems)


@pytest.fixture
def _first_page(new_page: NewPage, language: str) -> tuple[Page, BrowserLog]:
    return new_page(language)


@pytest.fixture
def page(_first_page: tuple[Page, BrowserLog]) -> Page:
    return _first_page[0]


@pytest.fixture
def browser_log(_first_page: tuple[Page, BrowserLog]) -> BrowserLog:
    """What `page`'s context requested and logged."""
    return _first_page[1]


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Snap:
    folder = screenshot_folder(request.node.name)

    def take(page: Page, name: str) -> list[Path]:
        language = str(page.evaluate("navigator.language"))
        return snap_widths(page, folder, name, language)

    return take
