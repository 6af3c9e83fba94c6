"""`recomentor apikey create|list|revoke`: scoped keys for the HTTP API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from recomentor.accounts.scopes import SCOPES
from recomentor.cli.context import console, print_json, store

if TYPE_CHECKING:
    from recomentor.store.apikeys import ApiKey

app = typer.Typer(help="API keys for the HTTP API (stored hashed).", no_args_is_help=True)


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key.")],
    scopes: Annotated[
        str, typer.Option("--scopes", help=f"Comma-separated: {', '.join(SCOPES)}.")
    ] = "read",
) -> None:
    """Create a key and print it once: it cannot be shown again."""
    from recomentor.store.apikeys import create_key

    created = create_key(store(), name, scopes)
    api_key = created.api_key
    console.print(
        f"key {api_key.id} ({api_key.name}, scopes {', '.join(sorted(api_key.scopes))}); "
        "store it now, it is not shown again:",
        markup=False,
    )
    # Plain stdout on its own line so scripts can capture it with `| tail -1`.
    typer.echo(created.key)


def _as_json(api_key: ApiKey) -> dict[str, Any]:
    return {
        "id": api_key.id,
        "name": api_key.name,
        "prefix": api_key.prefix,
        "scopes": sorted(api_key.scopes),
        "created_at": api_key.created_at.isoformat(),
        "revoked_at": api_key.revoked_at.isoformat() if api_key.revoked_at else None,
    }


@app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List keys: id, name, prefix, scopes, dates; never the keys themselves."""
    from recomentor.store.apikeys import list_keys

    keys = list_keys(store())
    if as_json:
        print_json([_as_json(k) for k in keys])
        return
    table = Table("id", "name", "prefix", "scopes", "created", "revoked", title="API keys")
    for k in keys:
        table.add_row(
            str(k.id),
            k.name,
            f"{k.prefix}…",
            ",".join(sorted(k.scopes)),
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "",
        )
    console.print(table)


@app.command("revoke")
def revoke(
    key_id: Annotated[int, typer.Argument(metavar="ID", help="Key id from `list`.")],
) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    from recomentor.store.apikeys import revoke_key

    api_key = revoke_key(store(), key_id)
    console.print(f"revoked key {api_key.id} ({api_key.name})", markup=False)
