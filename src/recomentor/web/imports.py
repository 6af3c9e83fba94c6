"""/import: upload a survey export, preview what it would do, confirm; saved mappings."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from litestar import Controller, Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from recomentor import fields as F
from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.accounts.users import list_users
from recomentor.api.runtime import Runtime
from recomentor.errors import RecomentorError, RowsRejectedError, shown_text
from recomentor.store.import_runs import latest_imports
from recomentor.survey import ColumnMapping, import_participants, preview_participants
from recomentor.survey.saved_mappings import (
    delete_mapping,
    list_mappings,
    load_saved_mapping,
    mapping_text,
    parse_participant_mapping,
    save_mapping,
)
from recomentor.web import pending_imports as pending
from recomentor.web.forms import FormData, field
from recomentor.web.guards import PERMISSION, session_token, signed_in
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page

_VIEW = {PERMISSION: VIEW}
_MANAGE = {PERMISSION: MANAGE_PROGRAM}
# Multipart boundaries, the mapping and the other fields ride on top of the file itself.
_MULTIPART_SLACK = 256 * 1024
UploadId = Annotated[str, PathParameter(min_length=32, max_length=32, pattern=r"^[\w-]+$")]
RecordId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
# Skills and goals cut to this many characters in the preview's table.
SHORT_TEXT = 60


class _Refused(Exception):
    """A form problem of this page, said in the page's language (a catalog key)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.error: tuple[str, dict[str, Any]] = (f"imports.{key}", {})


def _user_id(request: Request[Any, Any, Any]) -> int:
    session = signed_in(request)
    assert session is not None  # the guard let only signed-in users through
    return session.user.id


# A core error's message, or a catalog key of this page and its parameters.
FormError = str | tuple[str, dict[str, Any]] | None


def _index(runtime: Runtime, status: int = 200, error: FormError = None, **form: Any) -> Template:
    emails = {user.id: user.email for user in list_users(runtime.store)}
    return page(
        "imports/index.html",
        status=status,
        error=error,
        mappings=list_mappings(runtime.store),
        runs=latest_imports(runtime.store),
        emails=emails,
        limits=runtime.settings,
        chosen_mapping=form.get("chosen_mapping", ""),
        skip_invalid=form.get("skip_invalid", False),
    )


def _form_file(form: Any, name: str) -> UploadFile | None:
    """The uploaded file of a field; an empty file input arrives as a blank text."""
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def _mapping_of(runtime: Runtime, choices: pending.ImportChoices) -> ColumnMapping | None:
    if choices.saved_mapping:
        return load_saved_mapping(runtime.store, choices.saved_mapping)
    if choices.mapping_toml is not None:
        return parse_participant_mapping(choices.mapping_toml, choices.mapping_source or "mapping")
    return None


async def _choices(form: Any, source: str) -> pending.ImportChoices:
    saved = str(form.get("saved_mapping") or "").strip() or None
    mapping_file = _form_file(form, "mapping")
    if saved and mapping_file:
        raise _Refused("error_two_mappings")
    toml = mapping_source = None
    if mapping_file is not None:
        mapping_source = shown_text(mapping_file.filename)
        toml = mapping_text(await mapping_file.read(), mapping_source)
    return pending.ImportChoices(
        source=source,
        skip_invalid=bool(form.get("skip_invalid")),
        saved_mapping=saved,
        mapping_toml=toml,
        mapping_source=mapping_source,
    )


@post("/import", opt=_MANAGE, status_code=303)
async def upload(request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> Any:
    """Checks an export and its mapping, keeps it for the confirmation, shows the preview."""
    form = await request.form()
    kept_form = {
        "chosen_mapping": str(form.get("saved_mapping") or ""),
        "skip_invalid": bool(form.get("skip_invalid")),
    }
    export = _form_file(form, "file")

    def refuse(message: FormError) -> Template:
        return _index(runtime, status=400, error=message, **kept_form)

    if export is None:
        return await to_thread.run_sync(refuse, ("imports.error_no_file", {}))
    try:
        choices = await _choices(form, shown_text(export.filename))
        data = await export.read()
        mapping = await to_thread.run_sync(_mapping_of, runtime, choices)
        # The whole check now: a file or mapping that cannot be read is refused on the upload
        # form, with the choices made, and is not kept.
        await to_thread.run_sync(
            lambda: preview_participants(
                runtime.store,
                data,
                source=choices.source,
                settings=runtime.settings,
                mapping=mapping,
                rows=0,
            )
        )
    except _Refused as refused:
        return await to_thread.run_sync(refuse, refused.error)
    except RecomentorError as error:
        # Core messages name files, lines, fields and limits, never a cell's value.
        return await to_thread.run_sync(refuse, str(error))
    upload_id = await to_thread.run_sync(
        pending.keep, runtime.settings.home, _user_id(request), choices, data
    )
    return redirect(f"/import/{upload_id}")


def upload_router(max_upload_bytes: int) -> Router:
    """The upload with the settings' size limit, larger than the other pages' one."""
    return Router(
        path="/",
        route_handlers=[upload],
        request_max_body_size=max_upload_bytes + _MULTIPART_SLACK,
    )


def _preview_page(
    runtime: Runtime, upload_id: str, user_id: int, status: int = 200, error: FormError = None
) -> Template:
    try:
        kept = pending.load(runtime.settings.home, upload_id, user_id)
        result = preview_participants(
            runtime.store,
            kept.data,
            source=kept.choices.source,
            settings=runtime.settings,
            mapping=_mapping_of(runtime, kept.choices),
        )
    except RecomentorError as failure:
        return _index(runtime, status=400, error=str(failure))
    return page(
        "imports/preview.html",
        status=status,
        error=error,
        upload_id=upload_id,
        choices=kept.choices,
        preview=result,
        report=result.report,
        importable=result.importable(skip_invalid=kept.choices.skip_invalid),
        short=_short,
        fields=F,
    )


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1].rstrip() + "…"


class ImportController(Controller):
    path = "/import"
    include_in_schema = False

    @get("/", opt=_VIEW, sync_to_thread=True)
    def index(self, runtime: NamedDependency[Runtime]) -> Template:
        """The upload form, the saved mappings and the latest imports."""
        pending.sweep(runtime.settings.home)
        return _index(runtime)

    @get("/{upload_id:str}", opt=_MANAGE, sync_to_thread=True)
    def preview(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        upload_id: UploadId,
    ) -> Template:
        """The first rows as mapped, every rejected row, the counts; nothing stored yet."""
        return _preview_page(runtime, upload_id, _user_id(request))

    @post("/{upload_id:str}/confirm", opt=_MANAGE, sync_to_thread=True, status_code=200)
    def confirm(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        upload_id: UploadId,
    ) -> Template:
        """Imports the previewed upload under the same rules, then shows the report."""
        home, user_id = runtime.settings.home, _user_id(request)
        try:
            kept = pending.claim(home, upload_id, user_id)
        except RecomentorError as error:
            return _index(runtime, status=409, error=str(error))
        try:
            report = import_participants(
                runtime.store,
                kept.data,
                source=kept.choices.source,
                settings=runtime.settings,
                mapping=_mapping_of(runtime, kept.choices),
                skip_invalid=kept.choices.skip_invalid,
                imported_by=user_id,
            )
        except RowsRejectedError as error:
            pending.discard(home, kept)
            return _index(runtime, status=400, error=str(error))
        except RecomentorError as error:
            pending.release(home, kept)
            return _index(runtime, status=400, error=str(error))
        pending.discard(home, kept)
        runtime.invalidate()
        return page("imports/report.html", report=report, choices=kept.choices, fields=F)

    @post("/{upload_id:str}/cancel", opt=_MANAGE, sync_to_thread=True, status_code=303)
    def cancel(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        upload_id: UploadId,
    ) -> Redirect:
        """Deletes the upload without importing it."""
        try:
            kept = pending.claim(runtime.settings.home, upload_id, _user_id(request))
        except RecomentorError:
            return redirect("/import")
        pending.discard(runtime.settings.home, kept)
        flash(runtime, session_token(request), "success", "imports.cancelled")
        return redirect("/import")

    @post("/mappings", opt=_MANAGE, status_code=303)
    async def save(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
    ) -> Template | Redirect:
        """Saves a mapping file by name, checked as an import reads it."""
        form = await request.form()
        name = str(form.get("name") or "")
        mapping_file = _form_file(form, "mapping")
        try:
            if mapping_file is None:
                raise _Refused("error_no_mapping_file")
            text = mapping_text(await mapping_file.read(), shown_text(mapping_file.filename))
            saved = await to_thread.run_sync(
                lambda: save_mapping(runtime.store, name, text, created_by=_user_id(request))
            )
        except (_Refused, RecomentorError) as error:
            message = error.error if isinstance(error, _Refused) else str(error)
            return await to_thread.run_sync(lambda: _index(runtime, status=400, error=message))
        await to_thread.run_sync(
            lambda: flash(
                runtime, session_token(request), "success", "imports.mapping_saved", name=saved.name
            )
        )
        return redirect("/import")

    @post("/{upload_id:str}/save-mapping", opt=_MANAGE, sync_to_thread=True, status_code=303)
    def save_uploaded(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        upload_id: UploadId,
        data: FormData,
    ) -> Template | Redirect:
        """Saves the mapping file of a previewed upload by name; back to its preview."""
        user_id = _user_id(request)
        try:
            kept = pending.load(runtime.settings.home, upload_id, user_id)
            if kept.choices.mapping_toml is None:
                raise _Refused("error_nothing_to_save")
            saved = save_mapping(
                runtime.store, field(data, "name"), kept.choices.mapping_toml, created_by=user_id
            )
        except (_Refused, RecomentorError) as error:
            message = error.error if isinstance(error, _Refused) else str(error)
            return _preview_page(runtime, upload_id, user_id, status=400, error=message)
        flash(runtime, session_token(request), "success", "imports.mapping_saved", name=saved.name)
        return redirect(f"/import/{upload_id}")

    @post("/mappings/{mapping_id:int}/delete", opt=_MANAGE, sync_to_thread=True, status_code=303)
    def delete(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        mapping_id: RecordId,
    ) -> Redirect:
        """Deletes a saved mapping; imports made with it stay as they are."""
        deleted = delete_mapping(runtime.store, mapping_id)
        key = "imports.mapping_deleted" if deleted else "imports.mapping_already_gone"
        flash(runtime, session_token(request), "success", key)
        return redirect("/import")
