"""Web users: created with a role and an argon2 password hash, listed, disabled, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from recomentor.accounts.roles import ADMIN, check_role
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError, RecomentorError
from recomentor.store import Store
from recomentor.store.tables import UserRow, WebSessionRow, utcnow

MIN_PASSWORD_CHARS = 10
# argon2 hashes whatever it gets; a cap keeps a megabyte "password" from costing much more.
MAX_PASSWORD_CHARS = 1024
MAX_EMAIL_CHARS = 320
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


class UnknownUserError(NotFoundError):
    """No user has this e-mail address (the address itself is not repeated: personal data)."""

    def __init__(self) -> None:
        RecomentorError.__init__(self, "no user has this e-mail address")
        self.kind = "user"
        self.key = ""


@dataclass(frozen=True)
class User:
    """A web user without the password hash."""

    id: int
    email: str
    role: str
    disabled: bool
    created_at: datetime


@cache
def password_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); tests swap in a
    cheaper one."""
    return PasswordHasher()


def normalise_email(raw: str) -> str:
    """Lower-cased and stripped: `Ana@X.fr` and `ana@x.fr` are the same account."""
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email):
        raise InvalidInputError("not an e-mail address (expected name@domain)")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInputError(f"a password has at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(f"a password has at most {MAX_PASSWORD_CHARS} characters")
    return password


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id, email=row.email, role=row.role, disabled=row.disabled, created_at=row.created_at
    )


def create_user(store: Store, email: str, role: str, password: str) -> User:
    """A new enabled user; an address already taken (in any case) is a conflict."""
    row = UserRow(
        email=normalise_email(email),
        role=check_role(role),
        password_hash=password_hasher().hash(check_password(password)),
        disabled=False,
        created_at=utcnow(),
    )
    try:
        with store.session() as session:
            session.add(row)
            session.flush()
            return user_from_row(row)
    except IntegrityError:
        raise ConflictError("a user with this e-mail address already exists") from None


def list_users(store: Store) -> list[User]:
    with store.session() as session:
        return [user_from_row(row) for row in session.scalars(select(UserRow).order_by(UserRow.id))]


def get_user(store: Store, user_id: int) -> User:
    with store.session() as session:
        row = session.get(UserRow, user_id)
        if row is None:
            raise NotFoundError("user", str(user_id))
        return user_from_row(row)


def find_user_id(store: Store, email: str) -> int:
    address = normalise_email(email)
    with store.session() as session:
        found = session.scalar(select(UserRow.id).where(UserRow.email == address))
    if found is None:
        raise UnknownUserError
    return found


def disable_user(store: Store, user_id: int) -> User:
    """Disabled at once: their sessions are deleted, they cannot sign in again. The last
    enabled admin is kept, so someone can still manage users."""
    with store.session() as session:
        row = session.get(UserRow, user_id, with_for_update=True)
        if row is None:
            raise NotFoundError("user", str(user_id))
        if row.role == ADMIN and not row.disabled:
            admins = select(func.count()).where(UserRow.role == ADMIN, UserRow.disabled.is_(False))
            if (session.scalar(admins) or 0) <= 1:
                raise ConflictError("this is the last enabled admin; create another one first")
        row.disabled = True
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
        return user_from_row(row)


# Verified against when the address is unknown, so that answer takes as long as a wrong password.
_NOBODY: list[str] = []


def _unknown_user_hash() -> str:
    if not _NOBODY:
        _NOBODY.append(password_hasher().hash("no such user, but hashed all the same"))
    return _NOBODY[0]


@dataclass(frozen=True)
class SignInCheck:
    """What a sign-in attempt found: the user when the password was right."""

    user: User | None
    disabled: bool = False


def verify_credentials(store: Store, email: str, password: str) -> SignInCheck:
    """The user whose password this is; `disabled` set when it is right but the user is
    disabled. Unknown address and wrong password look the same and take the same time."""
    try:
        address = normalise_email(email)
    except InvalidInputError:
        address = ""
    if len(password) > MAX_PASSWORD_CHARS:
        address = ""  # no account has such a password; checked like an unknown address
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == address)) if address else None
        stored = row.password_hash if row is not None else _unknown_user_hash()
        try:
            password_hasher().verify(stored, password[:MAX_PASSWORD_CHARS])
        except (VerificationError, InvalidHashError):
            return SignInCheck(user=None)
        if row is None:
            return SignInCheck(user=None)
        if row.disabled:
            return SignInCheck(user=None, disabled=True)
        if password_hasher().check_needs_rehash(row.password_hash):
            row.password_hash = password_hasher().hash(password)
        return SignInCheck(user=user_from_row(row))
