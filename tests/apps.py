"""Apps shared by the API and page tests: building one costs more than most tests using it."""

from __future__ import annotations

import functools

from litestar import Litestar, Router

from recomentor.api.app import create_app
from recomentor.settings import Settings
from tests.fakes import FakeEncoder


@functools.lru_cache(maxsize=8)
def shared_app(settings: Settings, *pages: Router) -> Litestar:
    """The app for these settings, with the fake encoder and any extra `pages` mounted, built
    on first use and kept while it is among the last few asked for.

    No store is injected: each start (`with TestClient(app)`) opens the database its settings
    name, as `recomentor serve` does, and builds a new runtime (scorer, roster, rate limiters).
    Sessions and CSRF secrets live in that database: on the `shared_settings` fixture's home,
    emptied for each test, with a fresh copy of the migrated database (`migrated_home`), a test
    starts from nothing.
    """
    app = create_app(settings, encoder=FakeEncoder())
    for router in pages:
        app.register(router)
    return app
