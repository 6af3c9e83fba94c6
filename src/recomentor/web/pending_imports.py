"""Uploads waiting for their "Confirm import": kept in the data home (which every worker
shares), readable by the server's user only, for one user, deleted once imported and refused
after an hour."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from recomentor.errors import RecomentorError

UPLOADS = "uploads"
KEEP_FOR_S = 3600
_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
_DATA, _META, _CLAIMED = ".data", ".json", ".claimed"


class UploadGone(RecomentorError):
    """The upload was imported already, has expired, or belongs to another user."""

    def __init__(self) -> None:
        super().__init__("this upload is no longer available: upload the file again")


@dataclass(frozen=True)
class ImportChoices:
    """What the upload form said besides the file."""

    source: str  # the file's name, shown on the pages
    skip_invalid: bool
    saved_mapping: str | None  # a saved mapping chosen by name
    mapping_toml: str | None  # or the text of an uploaded mapping file
    mapping_source: str | None  # and that file's name


@dataclass(frozen=True)
class PendingImport:
    id: str
    user_id: int
    choices: ImportChoices
    data: bytes


def _folder(home: Path) -> Path:
    folder = home / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    # Survey answers: nobody but the server's own user reads them, whatever the umask.
    folder.chmod(0o700)
    return folder


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def sweep(home: Path, now: float | None = None) -> None:
    """Deletes what is older than an hour: previews never confirmed, claims a crash left."""
    folder = home / UPLOADS
    if not folder.is_dir():
        return
    limit = (time.time() if now is None else now) - KEEP_FOR_S
    for path in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()


def keep(home: Path, user_id: int, choices: ImportChoices, data: bytes) -> str:
    """Stores an upload for its confirmation; returns its random id."""
    folder = _folder(home)
    sweep(home)
    upload_id = secrets.token_urlsafe(24)
    _write_private(folder / f"{upload_id}{_DATA}", data)
    meta = {"user_id": user_id, "choices": asdict(choices)}
    # Written last: a pending import exists once its description does.
    _write_private(folder / f"{upload_id}{_META}", json.dumps(meta).encode("utf-8"))
    return upload_id


def _read(folder: Path, upload_id: str, meta_suffix: str, user_id: int) -> PendingImport:
    meta_path = folder / f"{upload_id}{meta_suffix}"
    try:
        if time.time() - meta_path.stat().st_mtime > KEEP_FOR_S:
            raise UploadGone
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = (folder / f"{upload_id}{_DATA}").read_bytes()
    except (OSError, ValueError):
        raise UploadGone from None
    if meta.get("user_id") != user_id:
        raise UploadGone
    return PendingImport(upload_id, user_id, ImportChoices(**meta["choices"]), data)


def load(home: Path, upload_id: str, user_id: int) -> PendingImport:
    """A pending upload of this user, left in place (to save its mapping, to preview it)."""
    if not _ID.match(upload_id):
        raise UploadGone
    return _read(home / UPLOADS, upload_id, _META, user_id)


def claim(home: Path, upload_id: str, user_id: int) -> PendingImport:
    """Takes a pending upload for its import: of two confirmations sent at once (a double
    click, two tabs, two workers), one gets it, the other UploadGone."""
    if not _ID.match(upload_id):
        raise UploadGone
    folder = home / UPLOADS
    claimed = f"{_CLAIMED}-{secrets.token_hex(4)}"
    try:
        # A rename is atomic on one file system: only one request wins it.
        (folder / f"{upload_id}{_META}").rename(folder / f"{upload_id}{claimed}")
    except OSError:
        raise UploadGone from None
    try:
        return _read(folder, upload_id, claimed, user_id)
    except UploadGone:
        # Another user's id, or expired: put back what was not ours to take.
        with contextlib.suppress(OSError):
            (folder / f"{upload_id}{claimed}").rename(folder / f"{upload_id}{_META}")
        raise


def release(home: Path, pending: PendingImport) -> None:
    """The import failed (the database was busy...): the same confirmation may be sent again."""
    folder = home / UPLOADS
    for path in folder.glob(f"{pending.id}{_CLAIMED}-*"):
        with contextlib.suppress(OSError):
            path.rename(folder / f"{pending.id}{_META}")
        return


def discard(home: Path, pending: PendingImport) -> None:
    """Deletes the upload and its description once imported."""
    folder = home / UPLOADS
    for path in [folder / f"{pending.id}{_DATA}", *folder.glob(f"{pending.id}.*")]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
