"""/admin/users and /admin/keys: accounts of the web app and keys of the API (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from recomentor.accounts.roles import ADMINISTER, ROLES
from recomentor.accounts.scopes import SCOPES
from recomentor.accounts.users import create_user, disable_user, list_users
from recomentor.api.runtime import Runtime
from recomentor.errors import RecomentorError
from recomentor.store.apikeys import create_key, list_keys, revoke_key
from recomentor.web.forms import FormData, field, fields
from recomentor.web.guards import PERMISSION, session_token
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page

_ADMIN = {PERMISSION: ADMINISTER}
RecordId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


class UsersController(Controller):
    path = "/admin/users"
    include_in_schema = False

    def _page(self, runtime: Runtime, status: int = 200, error: str | None = None) -> Template:
        return page(
            "admin/users.html",
            status=status,
            users=list_users(runtime.store),
            roles=ROLES,
            error=error,
        )

    @get("/", opt=_ADMIN, sync_to_thread=True)
    def index(self, runtime: NamedDependency[Runtime]) -> Template:
        """Every user with role and state; a form to add one."""
        return self._page(runtime)

    @post("/", opt=_ADMIN, sync_to_thread=True, status_code=303)
    def create(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], data: FormData
    ) -> Template | Redirect:
        """Adds a user with a role and a first password."""
        try:
            user = create_user(
                runtime.store, field(data, "email"), field(data, "role"), field(data, "password")
            )
        except RecomentorError as error:
            # Core messages name fields and limits, never the address typed.
            return self._page(runtime, status=400, error=str(error))
        flash(runtime, session_token(request), "success", "admin.user_created", id=user.id)
        return redirect("/admin/users")

    @post("/{user_id:int}/disable", opt=_ADMIN, sync_to_thread=True, status_code=303)
    def disable(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], user_id: RecordId
    ) -> Template | Redirect:
        """Disables a user: their sessions end at once."""
        try:
            disable_user(runtime.store, user_id)
        except RecomentorError as error:
            return self._page(runtime, status=409, error=str(error))
        flash(runtime, session_token(request), "success", "admin.user_disabled", id=user_id)
        return redirect("/admin/users")


class KeysController(Controller):
    path = "/admin/keys"
    include_in_schema = False

    def _page(
        self,
        runtime: Runtime,
        status: int = 200,
        error: str | None = None,
        created: str | None = None,
    ) -> Template:
        return page(
            "admin/keys.html",
            status=status,
            keys=list_keys(runtime.store),
            scopes=SCOPES,
            error=error,
            created=created,
        )

    @get("/", opt=_ADMIN, sync_to_thread=True)
    def index(self, runtime: NamedDependency[Runtime]) -> Template:
        """Every API key with label, scopes and dates; a form to create one."""
        return self._page(runtime)

    @post("/", opt=_ADMIN, sync_to_thread=True, status_code=200)
    def create(self, runtime: NamedDependency[Runtime], data: FormData) -> Template:
        """Creates a key and shows it on this answer only: it is stored hashed."""
        try:
            created = create_key(runtime.store, field(data, "name"), fields(data, "scopes"))
        except RecomentorError as error:
            return self._page(runtime, status=400, error=str(error))
        return self._page(runtime, created=created.key)

    @post("/{key_id:int}/revoke", opt=_ADMIN, sync_to_thread=True, status_code=303)
    def revoke(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], key_id: RecordId
    ) -> Redirect:
        """Revokes a key: the API refuses it from now on."""
        revoke_key(runtime.store, key_id)
        flash(runtime, session_token(request), "success", "admin.key_revoked", id=key_id)
        return redirect("/admin/keys")
