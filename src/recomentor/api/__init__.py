"""The HTTP API (Litestar): versioned JSON routes over the core, secured by scoped API keys."""

from recomentor.api.app import create_app

__all__ = ["create_app"]
