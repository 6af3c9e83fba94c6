"""The browser harness itself: it catches what it promises to catch, and speaks the language."""

from __future__ import annotations

import struct

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import LANGUAGES, watched_context
from tests.web.conftest import Snap, WebServer


def test_the_log_catches_other_hosts_console_and_page_errors(
    chromium: Browser, server: WebServer
) -> None:
    with watched_context(chromium, server.origin, "en-US") as (context, log):
        page = context.new_page()
        page.goto("/health")
        # Aborted by the harness, so the page gets on with loading instead of hanging offline.
        with page.expect_event("requestfailed"):
            page.set_content(
                '<img src="https://cdn.example.invalid/logo.png">'
                '<script>console.error("boom"); throw new Error("kaput")</script>'
            )
        problems = log.problems()
        log.expect_console_error("boom")
        after = log.problems()
    assert "request to another host: https://cdn.example.invalid/logo.png" in problems
    assert any(p.startswith("console error: boom") for p in problems)
    assert any(p.startswith("page error: ") and "kaput" in p for p in problems)
    # Only the expected console error is forgiven; the rest still fails the test.
    assert len(after) == len(problems) - 1
    assert not any("boom" in p for p in after)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_speaks_the_language_and_snap_writes_both_widths(
    page: Page, snap: Snap, language: str
) -> None:
    response = page.goto("/health")
    assert response is not None
    assert response.request.all_headers()["accept-language"] == language
    assert page.evaluate("navigator.language") == language
    written = snap(page, "health")
    widths = [struct.unpack(">I", path.read_bytes()[16:20])[0] for path in written]
    assert widths == [1280, 390]
    assert [path.name for path in written] == [
        f"health-{language}-1280.png",
        f"health-{language}-390.png",
    ]
    assert page.viewport_size == {"width": 1280, "height": 800}
