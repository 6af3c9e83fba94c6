"""The one table of what each role of a web user may do."""

from __future__ import annotations

from typing import Final

from recomentor.errors import InvalidInputError

# Permissions, named by what they let a user do.
VIEW: Final = "view"  # every page, read only
MANAGE_PROGRAM: Final = "manage_program"  # imports, matchings, pairings, participants
MANAGE_MODEL: Final = "manage_model"  # the model page's actions (train, promote, roll back)
ADMINISTER: Final = "administer"  # /admin/users and /admin/keys

VIEWER: Final = "viewer"
MANAGER: Final = "manager"
SCIENTIST: Final = "scientist"
ADMIN: Final = "admin"

ROLE_PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    VIEWER: frozenset({VIEW}),
    MANAGER: frozenset({VIEW, MANAGE_PROGRAM}),
    SCIENTIST: frozenset({VIEW, MANAGE_MODEL}),
    ADMIN: frozenset({VIEW, MANAGE_PROGRAM, MANAGE_MODEL, ADMINISTER}),
}
ROLES: Final[tuple[str, ...]] = tuple(ROLE_PERMISSIONS)


def check_role(role: str) -> str:
    """The role, lower-cased; an unknown one is an error naming the known ones."""
    chosen = role.strip().lower()
    if chosen not in ROLE_PERMISSIONS:
        raise InvalidInputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return chosen


def allows(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
