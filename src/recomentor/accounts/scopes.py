"""What an API key may do: its scopes, named once for the store, the API and the CLI."""

from __future__ import annotations

from typing import Final

READ: Final = "read"
WRITE: Final = "write"
ADMIN: Final = "admin"
SCOPES: Final = (READ, WRITE, ADMIN)
