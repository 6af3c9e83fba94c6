"""A real `recomentor serve` process on a loopback port, for the tests that need one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# This interpreter's recomentor, from the sources on its path: the console script in a shared
# environment may belong to another checkout.
RECOMENTOR = (sys.executable, "-c", "from recomentor.cli import console; console()")


def _environment(home: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "RECOMENTOR_HOME": str(home), "HF_HUB_OFFLINE": "1", **(env or {})}


def run_recomentor(
    home: Path, *args: str, stdin: str = "", env: Mapping[str, str] | None = None
) -> str:
    """`recomentor ARGS` as a process on the data home `home` (and further RECOMENTOR_*
    variables in `env`); its stdout, or a failed test."""
    done = subprocess.run(
        [*RECOMENTOR, *args],
        env=_environment(home, env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"recomentor {args[:2]} exited {done.returncode}: {done.stderr}"
    return done.stdout


@contextmanager
def serving(
    home: Path,
    *options: str,
    public_url: bool = False,
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, list[str]]]:
    """`recomentor serve` until the block ends; then its whole output is in the list.

    `public_url`: RECOMENTOR_PUBLIC_URL is the server's own address (feedback links need one,
    and public forms check the browser's Origin against it). `env`: further RECOMENTOR_*
    variables."""
    port = free_port()
    environment = _environment(home, env)
    if public_url:
        environment["RECOMENTOR_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*RECOMENTOR, "serve", "--port", str(port), *options],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
            time.sleep(0.2)
        yield base, output
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            out = server.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            # A worker still starting on a loaded machine can miss the signal; not this test's
            # subject, and the output so far is still checked.
            os.killpg(server.pid, signal.SIGKILL)
            out = server.communicate(timeout=30)[0]
        output.append(out.decode())
