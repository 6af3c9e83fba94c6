"""The docs pages under /schema load every file from this app: none from a CDN (issue 13)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from litestar.testing import TestClient

# Every address a page's markup makes the browser fetch: src=, href= and CSS url().
_FETCHED = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def _fetched_urls(html: str, page: str) -> list[str]:
    return [urljoin(page, a or b) for a, b in _FETCHED.findall(html)]


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
def test_swagger_ui_pages_fetch_only_files_this_app_serves(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert "SwaggerUIBundle(" in page.text
    fetched = _fetched_urls(page.text, f"http://testserver{path}")
    # The stylesheet, both scripts and the favicon: a changed template must not drop one silently.
    assert len(fetched) == 4, fetched
    assert [url for url in fetched if not url.startswith("http://testserver/")] == []
    for url in fetched:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 500, url


def test_swagger_ui_is_version_5_which_renders_openapi_3_1(client: TestClient) -> None:
    # Swagger UI 4 shows "Unable to render this definition" for Litestar's 3.1 document.
    assert client.get("/schema/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/schema/swagger-ui/swagger-ui-bundle.js").text
    # The OAS 3.1 plugin's selector, named in Swagger UI 5's API and absent from version 4.
    assert "isOAS31" in bundle


@pytest.mark.parametrize("retired", ["/schema/redoc", "/schema/elements", "/schema/rapidoc"])
def test_docs_sites_without_offline_files_lead_to_swagger_ui(
    client: TestClient, retired: str
) -> None:
    response = client.get(retired, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/schema/swagger"


def test_schema_documents_stay_and_unknown_docs_paths_are_404(client: TestClient) -> None:
    assert client.get("/schema/openapi.json").json()["info"]["title"] == "recomentor"
    assert client.get("/schema/openapi.yaml").text.startswith(("info:", "openapi:", "components:"))
    assert client.get("/schema/nothing-here").status_code == 404
    assert client.get("/schema/swagger-ui/../../pyproject.toml").status_code == 404
