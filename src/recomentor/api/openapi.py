"""OpenAPI document and docs UI under /schema, with the API-key security scheme."""

from __future__ import annotations

from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from recomentor.api.auth import API_KEY_HEADER


def openapi_config(version: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="recomentor",
        version=version,
        description="Explained mentor-mentee suggestions for reverse-mentoring programs.",
        path="/schema",
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
