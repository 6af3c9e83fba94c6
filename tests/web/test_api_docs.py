"""The API docs in a browser with no way out: Swagger UI renders and calls the API with a key."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import BrowserLog, create_api_key
from tests.web.conftest import Snap, WebServer


@pytest.fixture(scope="module")
def read_key(server: WebServer) -> str:
    return create_api_key(server.home, "read")


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
def test_swagger_ui_lists_the_operations_from_the_app_alone(
    page: Page, snap: Snap, path: str
) -> None:
    page.goto(path)
    expect(page.locator(".info .title")).to_contain_text("recomentor")
    operations = page.locator(".opblock-summary-path")
    expect(operations.filter(has_text=re.compile(r"^/api/v1/model$"))).to_be_visible()
    expect(operations.filter(has_text=re.compile(r"^/health$"))).to_be_visible()
    assert operations.count() >= 15
    snap(page, "swagger")
    # The page fixture fails the test if anything was asked of another host.


def test_authorize_then_try_it_out_calls_the_api_with_the_key(
    page: Page, browser_log: BrowserLog, snap: Snap, read_key: str
) -> None:
    page.goto("/schema/swagger")
    model = page.locator(".opblock", has=page.locator('[data-path="/api/v1/model"]'))
    model.locator(".opblock-summary").click()
    model.get_by_role("button", name="Try it out").click()
    # Without a key first: the guard answers 401, so the key below is what makes the 200.
    browser_log.expect_console_error(r"status of 401")
    model.get_by_role("button", name="Execute").click()
    status = model.locator(".live-responses-table .response .response-col_status")
    expect(status).to_have_text("401")

    page.locator(".auth-wrapper .authorize").click()
    dialog = page.locator(".modal-ux")
    expect(dialog).to_contain_text("X-API-Key")
    dialog.get_by_label("Value:").fill(read_key)
    dialog.get_by_role("button", name="Apply credentials").click()
    dialog.get_by_role("button", name="Close", exact=True).click()

    model.get_by_role("button", name="Execute").click()
    expect(status).to_have_text("200")
    expect(model.locator(".live-responses-table .response-col_description").last).to_contain_text(
        '"kind"'
    )
    expect(model.locator(".curl-command")).to_contain_text("X-API-Key")
    snap(page, "try-it-out")


def test_health_answers_in_the_browser(page: Page) -> None:
    response = page.goto("/health")
    assert response is not None and response.status == 200
    assert response.json() == {"status": "ok"}
