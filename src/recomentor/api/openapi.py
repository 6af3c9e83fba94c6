"""OpenAPI document and docs UI under /schema, with the API-key security scheme."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from litestar import Router, get
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from recomentor.api.auth import API_KEY_HEADER

DOCS_PATH = "/schema"
SWAGGER_PATH = f"{DOCS_PATH}/swagger"
# Swagger UI's files come from the installed swagger-ui-py package, served by this app: Litestar's
# defaults load them from public CDNs, so the docs were blank without internet. (swagger-ui-bundle
# ships Swagger UI 4, which refuses to render the OpenAPI 3.1 document Litestar writes.)
SWAGGER_ASSETS_PATH = f"{DOCS_PATH}/swagger-ui"
# Redoc, Stoplight Elements and RapiDoc have no package on PyPI to serve them from: their old
# addresses lead to Swagger UI instead of a blank page (or a 404 for a bookmarked link).
RETIRED_DOCS_SITES = ("/redoc", "/elements", "/rapidoc")


def _swagger_ui_folder() -> Path:
    # Found, not imported: the package's own modules wire it into other web frameworks.
    spec = find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        raise RuntimeError("Swagger UI's files are missing: install the swagger-ui-py package")
    return Path(spec.origin).parent / "static"


@get(list(RETIRED_DOCS_SITES), include_in_schema=False, sync_to_thread=False)
def _to_swagger() -> Redirect:
    return Redirect(SWAGGER_PATH)


def _docs_router() -> Router:
    assets = create_static_files_router(
        path=SWAGGER_ASSETS_PATH.removeprefix(DOCS_PATH),
        directories=[_swagger_ui_folder()],
        name="swagger-ui-assets",
        include_in_schema=False,
    )
    return Router(DOCS_PATH, route_handlers=[assets, _to_swagger], include_in_schema=False)


def _swagger_ui() -> SwaggerRenderPlugin:
    icon = f"{SWAGGER_ASSETS_PATH}/favicon-32x32.png"
    return SwaggerRenderPlugin(
        js_url=f"{SWAGGER_ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_ASSETS_PATH}/swagger-ui-standalone-preset.js",
        # "/" makes it the page at /schema itself.
        path=["/", "/swagger"],
        # Litestar's default favicon is an image on a CDN too.
        favicon=f'<link rel="icon" type="image/png" href="{icon}">',
    )


def openapi_config(version: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="recomentor",
        version=version,
        description="Explained mentor-mentee suggestions for reverse-mentoring programs.",
        openapi_router=_docs_router(),
        render_plugins=[_swagger_ui(), YamlRenderPlugin(path=["/openapi.yaml", "/openapi.yml"])],
        # Handler docstrings state rules the schema cannot (e.g. a POST sends every field).
        use_handler_docstrings=True,
        components=Components(
            security_schemes={
                "ApiKey": SecurityScheme(
                    type="apiKey",
                    name=API_KEY_HEADER,
                    security_scheme_in="header",
                    description="Create one with `recomentor apikey create`.",
                )
            }
        ),
    )
