"""The relational store: schema, migrations and the queries the core needs."""

from recomentor.store.db import Store, open_store

__all__ = ["Store", "open_store"]
