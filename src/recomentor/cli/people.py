"""How the CLI shows people: their id and, to the operator at the terminal, their name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rich.text import Text

from recomentor.cli import context

if TYPE_CHECKING:
    from recomentor.store.participants import Contact


def contacts(ids: Iterable[str]) -> dict[str, Contact]:
    """Names, e-mails and departments of `ids` from the store, for tables and exports.

    They go to the terminal or a file the operator asked for, never to a log.
    """
    from recomentor.store.participants import read_contacts

    with context.store().session() as session:
        return read_contacts(session, ids)


def who(person_id: str, people: Mapping[str, Contact]) -> Text:
    """ "E1011 (Claire Martin)", or the id alone for someone without a name.

    A Text, never markup: a name such as "[red]Eve" is shown as typed.
    """
    contact = people.get(person_id)
    if contact is None or not contact.name:
        return Text(person_id)
    return Text(f"{person_id} ({contact.name})")
