"""Debian's Chromium through Playwright, with every request and console error of a page recorded.

The fixtures built on this live in tests/web/conftest.py; its docstring says how to use them.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    ViewportSize,
)
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import EXAMPLES
from tests.servers import run_recomentor

CHROMIUM = Path("/usr/bin/chromium")
# Playwright cannot download its own browser here; Debian's must not phone home either.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
# Set to "required" (e.g. in CI, which installs chromium) to fail instead of skip.
REQUIRE_BROWSER = "RECOMENTOR_BROWSER_TESTS"
LANGUAGES = ("en-US", "fr-FR")
# A phone held upright, and the desktop width every page is designed for.
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
# Where snap() writes: gitignored, wiped at the start of each run so it shows that run only.
SCREENSHOTS = Path(__file__).resolve().parent / "web" / "screenshots"
# Playwright's 30 s default turns one missing element into half a minute of waiting.
ACTION_TIMEOUT_MS = 10_000


class BrowserUnavailable(Exception):
    """Why the browser tests cannot run on this machine."""


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise BrowserUnavailable(
            f"{CHROMIUM} is missing: `make setup` installs Debian's chromium package"
        )
    try:
        return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
    except PlaywrightError as error:
        first_line = str(error.message).strip().splitlines()[0]
        raise BrowserUnavailable(f"{CHROMIUM} does not start: {first_line}") from error


def browser_required() -> bool:
    return os.environ.get(REQUIRE_BROWSER) == "required"


@dataclass
class BrowserLog:
    """What the pages of one browser context asked for and complained about."""

    origin: str
    requested: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected_console_errors: list[re.Pattern[str]] = field(default_factory=list)

    def expect_console_error(self, pattern: str) -> None:
        """A console error the test provokes on purpose (e.g. Chromium's line for a 401)."""
        self.expected_console_errors.append(re.compile(pattern))

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requested if _leaves(url, self.origin)]

    def problems(self) -> list[str]:
        unexpected = [
            text
            for text in self.console_errors
            if not any(p.search(text) for p in self.expected_console_errors)
        ]
        return (
            [f"request to another host: {url}" for url in self.foreign_requests()]
            + [f"console error: {text}" for text in unexpected]
            + [f"page error: {text}" for text in self.page_errors]
        )

    def _on_request(self, request: Request) -> None:
        self.requested.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            source = message.location.get("url")
            self.console_errors.append(f"{message.text} ({source})" if source else message.text)

    def _on_page(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))


# A web socket to the server is the server's; data:, blob: and about: never leave the page.
_NETWORK_SCHEMES = {"http": "http", "https": "https", "ws": "http", "wss": "https"}


def _leaves(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in _NETWORK_SCHEMES:
        return False
    return f"{_NETWORK_SCHEMES[parts.scheme]}://{parts.netloc}" != origin


@contextmanager
def watched_context(
    browser: Browser, origin: str, language: str
) -> Iterator[tuple[BrowserContext, BrowserLog]]:
    """A fresh context (no cookies) speaking `language`, on `origin`, with its log.

    A request to another host is recorded and then aborted: offline it could only hang.
    """
    context = browser.new_context(
        base_url=origin,
        locale=language,
        extra_http_headers={"Accept-Language": language},
        viewport=_viewport("desktop"),
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    log = BrowserLog(origin)
    context.on("request", log._on_request)
    context.on("page", log._on_page)
    context.route(lambda url: _leaves(url, origin), lambda route: route.abort())
    try:
        yield context, log
    finally:
        context.close()


def _viewport(width_name: str) -> ViewportSize:
    width, height = WIDTHS[width_name]
    return ViewportSize(width=width, height=height)


def empty_screenshots() -> None:
    """Empties SCREENSHOTS once a run: under pytest-xdist every worker starts a browser, and
    only the first of the run may empty it (the others' pictures are this run's)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
        return
    # The folder above is locked, not a file in SCREENSHOTS: that goes with what it empties.
    folder = os.open(SCREENSHOTS.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        stamp = SCREENSHOTS / ".run"
        if not stamp.is_file() or stamp.read_text() != run:
            shutil.rmtree(SCREENSHOTS, ignore_errors=True)
            SCREENSHOTS.mkdir()
            stamp.write_text(run)
    finally:
        os.close(folder)  # and the lock with it


def screenshot_folder(test_name: str) -> Path:
    # Parametrized names carry brackets and slashes; a folder name should not.
    return SCREENSHOTS / re.sub(r"[^\w.-]+", "_", test_name).strip("_")


def snap_widths(page: Page, folder: Path, name: str, language: str) -> list[Path]:
    """Full-page screenshots of the page as it is now, at each width in WIDTHS."""
    folder.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    written = []
    try:
        for width_name in WIDTHS:
            page.set_viewport_size(_viewport(width_name))
            path = folder / f"{name}-{language}-{WIDTHS[width_name][0]}.png"
            page.screenshot(path=path, full_page=True)
            written.append(path)
    finally:
        if before is not None:
            page.set_viewport_size(before)
    return written


def import_sample(home: Path, *exports: Path) -> None:
    """The French sample export (after any `exports`) imported through its mapping, as HR would
    with `recomentor import participants ... --skip-invalid`."""
    mapping = str(EXAMPLES / "forms_fr_mapping.toml")
    for export in (*exports, EXAMPLES / "forms_export_fr.csv"):
        run_recomentor(
            home, "import", "participants", str(export), "--mapping", mapping, "--skip-invalid"
        )


def create_user(home: Path, email: str, role: str, password: str) -> None:
    """`recomentor user create EMAIL --role ROLE --password-stdin` in the data home `home`.

    Works before the server starts and while it runs: both read the same database.
    """
    run_recomentor(
        home, "user", "create", email, "--role", role, "--password-stdin", stdin=password
    )


def create_api_key(home: Path, scopes: str = "read") -> str:
    """A new API key from `recomentor apikey create`, which prints it alone on its last line."""
    printed = run_recomentor(
        home, "apikey", "create", "--name", "browser tests", "--scopes", scopes
    )
    return printed.strip().splitlines()[-1]
