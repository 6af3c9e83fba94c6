"""Engine creation, SQLite pragmas and automatic Alembic migrations."""

from __future__ import annotations

import ast
import functools
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from recomentor.errors import ConflictError, InvalidInputError, RecomentorError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
T = TypeVar("T")

_CHECKPOINT_TRIES = 3
_WRITE_TRIES = 3
_WRITE_PAUSE_S = 0.5
_CHECKPOINT_PAUSE_S = 0.2
# A rewrite waits this long for the readers ahead of it, then gives up rather than queue every
# later reader behind its exclusive lock.
_VACUUM_LOCK_TIMEOUT = "10s"
# How long a rewrite waits for transactions that can still see a deleted row.
_SNAPSHOT_WAIT_S = 10.0
_SNAPSHOT_POLL_S = 0.1
# Whether every transaction that could still see rows deleted before :horizon has ended: no
# transaction id older than it runs in any database (ids are the server's: one running
# elsewhere holds back the rewrite's own snapshot), and no other session of this database holds
# a snapshot older than it.
_NOTHING_OLDER_RUNS = text(
    "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= CAST(:horizon AS xid8) "
    "AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() "
    "AND age(backend_xmin) > age(xid(CAST(:horizon AS xid8))))"
)


class StoreUnavailableError(RecomentorError):
    """The database cannot be reached or opened."""


class WriteConflictError(ConflictError):
    """Another transaction held the same rows (or SQLite's write lock) too long, or deadlocked
    with this one; this one was rolled back and can simply run again."""

    def __init__(self) -> None:
        super().__init__(
            "another write to the same records was in progress; nothing was written, retry"
        )


def _is_contention(error: OperationalError) -> bool:
    # psycopg: class 40 = deadlock or serialization failure, 55P03 = lock timeout.
    state = getattr(error.orig, "sqlstate", None)
    if state:
        return bool(state.startswith("40") or state == "55P03")
    reason = str(error.orig).lower()
    return "locked" in reason or "busy" in reason


# Alembic records the schema's revision in this table (its default name).
_VERSION_TABLE = "alembic_version"


def _alembic_config(engine: Engine | None = None) -> Config:
    # Alembic is imported only where it works: most commands find the schema current and need
    # nothing of it, and importing it costs more than many of them take.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("recomentor") / "migrations"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def _script_revisions(source: str) -> tuple[str | None, tuple[str, ...]]:
    """A migration script's `revision` and the revisions it follows, read without running it;
    None when the script does not state its revision as a literal."""
    revision: str | None = None
    follows: tuple[str, ...] = ()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name) or target.id not in ("revision", "down_revision"):
            continue
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            return None, ()
        if target.id == "revision":
            revision = literal if isinstance(literal, str) else None
        else:
            follows = tuple(literal) if isinstance(literal, tuple | list) else (literal,)
            follows = tuple(str(down) for down in follows if down)
    return revision, follows


@functools.cache
def _head_revision() -> str | None:
    """The newest migration the package ships: the one revision no other script follows.

    Read from the scripts' text, not by Alembic executing every one of them, so that opening a
    current database costs no migration machinery. Where a script does not state its revision
    plainly or the scripts do not give exactly one head, Alembic decides (and says what is
    wrong). Cached: the scripts cannot change under a running process.
    """
    versions = resources.files("recomentor") / "migrations" / "versions"
    revisions: set[str] = set()
    followed: set[str] = set()
    readable = True
    for script in versions.iterdir():
        if script.name.endswith(".py") and not script.name.startswith("_"):
            revision, follows = _script_revisions(script.read_text(encoding="utf-8"))
            readable = readable and revision is not None
            revisions.add(revision or "")
            followed.update(follows)
    heads = revisions - followed
    if readable and len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while an import writes; foreign keys make erasure cascade.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, whatever default this SQLite was built with:
    # an erased person's answers must not stay readable in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items: bounds statement parameters and memory."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def affected_rows(result: Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched (SQLAlchemy types them on the cursor result only)."""
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _normalised(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        # The URL may hold a password: name its form, not its text.
        raise InvalidInputError(
            "not a database URL; expected e.g. sqlite:///path/recomentor.db or "
            "postgresql://user@host/db"
        ) from None
    driver = parsed.drivername
    # `postgres://` is what Heroku, Render and many tutorials hand out; SQLAlchemy dropped it.
    if driver == "postgres" or driver.startswith("postgres+"):
        driver = "postgresql" + driver[len("postgres") :]
    if driver == "postgresql":
        # psycopg 3 is the driver we ship in the `postgres` extra.
        driver = "postgresql+psycopg"
    return parsed.set(drivername=driver)


def _json_text(value: Any) -> str:
    """A JSON column's text. Result Structs (a pair's explanation) are written by msgspec as
    they are, without being copied into dicts for the standard library's encoder first; any
    other value as before."""
    if isinstance(value, msgspec.Struct):
        return msgspec.json.encode(value).decode()
    return json.dumps(value)


def create_store_engine(url: str) -> Engine:
    parsed = _normalised(url)
    # Statement parameters are survey answers: never in an exception's text, hence never in a
    # log line or a message built from one.
    options: dict[str, Any] = {"hide_parameters": True, "json_serializer": _json_text}
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30}, **options)
            event.listen(engine, "connect", _enable_sqlite_pragmas)
            return engine
        return create_engine(parsed, pool_pre_ping=True, **options)
    except (NoSuchModuleError, ImportError):
        raise InvalidInputError(
            f"unsupported database driver {parsed.drivername!r}; use sqlite:/// or "
            "postgresql:// (pip install 'recomentor[postgres]')"
        ) from None
    except (ArgumentError, OSError) as error:
        raise InvalidInputError(
            f"the database URL cannot be used ({type(error).__name__})"
        ) from None


class Store:
    """A migrated database and a session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back when it raises.

        Lock contention becomes WriteConflictError, any other refusal of the database
        StoreUnavailableError: the driver's text (which may quote a value) goes nowhere.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as error:
            if _is_contention(error):
                raise WriteConflictError from None
            log.error("database error: %s", type(error.orig).__name__)
            raise StoreUnavailableError(
                f"the database refused the operation ({type(error.orig).__name__})"
            ) from None

    def write(self, work: Callable[[Session], T]) -> T:
        """`work` in a transaction, run again when it lost a lock race: for idempotent writes
        such as upserts, so two imports of overlapping files both finish."""
        for attempt in range(1, _WRITE_TRIES + 1):
            try:
                with self.session() as session:
                    return work(session)
            except WriteConflictError:
                if attempt == _WRITE_TRIES:
                    raise
                log.info("write conflict, retrying (%d of %d)", attempt + 1, _WRITE_TRIES)
                time.sleep(_WRITE_PAUSE_S * attempt)
        raise AssertionError("unreachable")

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def _recorded_revisions(self) -> set[str]:
        """The revisions the database's version table names (none on a new database)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table(_VERSION_TABLE):
                return set()
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            return {str(version) for version in rows.scalars()}

    def head_revision(self) -> str | None:
        return _head_revision()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        if self._recorded_revisions() != {self.head_revision()}:
            from alembic import command

            command.upgrade(_alembic_config(self.engine), "head")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except OperationalError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()

    def scrub(self, tables: Sequence[str], *, rebuild: bool = False) -> bool:
        """Leave no copy of deleted rows in the database's files; False when it could not.

        Call it after the deleting transaction committed. SQLite: deleted rows were zeroed
        (secure_delete), the write-ahead log still holds their old pages until a checkpoint
        copies the new ones back and truncates it; `rebuild` first rewrites the whole file,
        for rows deleted before secure_delete was on. PostgreSQL: a plain VACUUM only marks
        the space reusable and the bytes stay in the table files; VACUUM FULL rewrites `tables`.
        """
        if self.engine.dialect.name == "sqlite":
            return (not rebuild or self._vacuum_sqlite()) and self._checkpoint_wal()
        if self.engine.dialect.name == "postgresql":
            return self._rewrite_tables(tables)
        return False

    def _vacuum_sqlite(self) -> bool:
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM")
        except DBAPIError as error:
            log.warning("VACUUM failed: %s", type(error.orig).__name__)
            return False
        return True

    def _checkpoint_wal(self) -> bool:
        for _ in range(_CHECKPOINT_TRIES):
            try:
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    busy = c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
            except DBAPIError as error:
                log.warning("WAL checkpoint after a deletion failed: %s", type(error.orig).__name__)
                return False
            if not busy:
                return True
            # A reader still holds an older snapshot; it ends with its request.
            time.sleep(_CHECKPOINT_PAUSE_S)
        log.warning("the write-ahead log could not be truncated after a deletion: readers busy")
        return False

    def _rewrite_tables(self, tables: Sequence[str]) -> bool:
        names = ", ".join(self.engine.dialect.identifier_preparer.quote(t) for t in tables)
        # VACUUM refuses to run inside a transaction block.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            try:
                # Inside the try: the deletion has committed, a failing wait only skips the scrub.
                if not _wait_for_older_snapshots(conn):
                    log.warning("VACUUM after a deletion skipped: older transactions still running")
                    return False
                conn.exec_driver_sql(f"SET lock_timeout = '{_VACUUM_LOCK_TIMEOUT}'")
                conn.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {names}")
            except DBAPIError as error:
                log.warning("VACUUM after a deletion failed: %s", type(error.orig).__name__)
                return False
            finally:
                # Not back to the pool with this session's lock timeout.
                conn.invalidate()
        return True


def _wait_for_older_snapshots(conn: Connection) -> bool:
    """Wait until no transaction that began before now can still see the deleted rows.

    VACUUM FULL copies a deleted row that some transaction may still see: one of this database
    whose snapshot is older (an autovacuum ANALYZE, a long report), or any transaction, in any
    database, whose id is older, because it holds back the rewrite's own snapshot. The copy would
    keep the erased bytes on disk.
    """
    horizon = conn.exec_driver_sql("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").scalar()
    deadline = time.monotonic() + _SNAPSHOT_WAIT_S
    while not conn.execute(_NOTHING_OLDER_RUNS, {"horizon": horizon}).scalar():
        if time.monotonic() >= deadline:
            return False
        time.sleep(_SNAPSHOT_POLL_S)
    return True


def upsert_insert(session: Session, target: Any) -> Any:
    """INSERT into `target` (a table or mapped class) that takes ON CONFLICT clauses, in the
    session's dialect: PostgreSQL's, else SQLite's. Each dialect's module is imported when a
    store of it first writes: a SQLite store never loads PostgreSQL's (CLI start-up)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(target)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(target)


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open the database at `url`, applying migrations on first use."""
    store = Store(create_store_engine(url))
    if migrate:
        try:
            store.upgrade()
        except OperationalError as error:
            store.dispose()
            target = store.engine.url.render_as_string(hide_password=True)
            # The driver's first line says why (refused, unknown host, no such database).
            reason = (str(error.orig).splitlines() or [type(error.orig).__name__])[0]
            raise StoreUnavailableError(f"cannot open database {target}: {reason}") from None
    return store
