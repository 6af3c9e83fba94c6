"""The erasure key: where it comes from, that it is kept, shared and never shown."""

from __future__ import annotations

import stat
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from recomentor.errors import ErasureKeyError
from recomentor.settings import Settings
from recomentor.suppression import KEY_FILE, ErasureKey, load_erasure_key


def test_a_random_key_is_created_once_in_the_data_home_readable_by_the_owner_only(
    settings: Settings,
) -> None:
    first = load_erasure_key(settings)
    path = settings.home / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_erasure_key(settings) == first
    assert first.id_hash("E1011") != load_erasure_key(
        replace(settings, home=settings.home / "other")
    ).id_hash("E1011")


def test_processes_starting_together_agree_on_one_key(settings: Settings) -> None:
    keys: list[ErasureKey] = []
    start = threading.Barrier(8)

    def load() -> None:
        start.wait()
        keys.append(load_erasure_key(settings))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({key.key_id for key in keys}) == 1
    assert [p.name for p in settings.home.iterdir()] == [KEY_FILE]  # no draft left behind


def test_the_setting_wins_and_is_never_shown(settings: Settings) -> None:
    secret = "a-key-shared-by-every-server-of-this-installation"
    environ = {"RECOMENTOR_ERASURE_KEY": secret, "RECOMENTOR_HOME": str(settings.home)}
    configured = Settings.from_env(environ)
    key = load_erasure_key(configured)
    assert key == ErasureKey(secret.encode())
    assert secret not in repr(configured) and secret not in repr(key)
    assert not (settings.home / KEY_FILE).exists()


def test_a_short_or_unreadable_key_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ErasureKeyError, match="at least 32 characters") as error:
        load_erasure_key(replace(settings, erasure_key="short-key"))
    assert "short-key" not in str(error.value)
    settings.home.mkdir(parents=True)
    (settings.home / KEY_FILE).write_text("truncated\n", encoding="ascii")
    with pytest.raises(ErasureKeyError, match="at least 32 characters"):
        load_erasure_key(settings)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="ascii")
    with pytest.raises(ErasureKeyError, match="set RECOMENTOR_ERASURE_KEY instead"):
        load_erasure_key(replace(settings, home=blocked))
