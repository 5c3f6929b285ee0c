"""Shared fixtures: paths to the team's corpora and the external seed texts."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SHUZHI_QUIET", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
GOLD = ROOT / "corpora" / "gold"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS} (shared/ is not beside this checkout)")
    return SEEDS


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory):
    """A throwaway PostgreSQL cluster on a free loopback port, from the server's own binaries.

    Started as an unprivileged user when the tests run as root; removed afterwards. Where no server
    binaries are installed the tests that need it are skipped with the reason.
    """
    import glob
    import os
    import shutil
    import subprocess
    import time

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        pytest.skip(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'shuzhi[postgres]')")
    bindir = os.path.dirname(bins[-1])
    base = tmp_path_factory.mktemp("pg")
    data = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        user = "nobody"
        pw = pwd.getpwnam(user)
        os.chmod(base, 0o777)
        for parent in list(base.parents)[:3]:
            with contextlib.suppress(PermissionError):
                os.chmod(parent, os.stat(parent).st_mode | 0o011)
        data.mkdir()
        os.chown(data, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", user, "--"]
    port = _free_port()
    init = subprocess.run(
        [
            *as_user,
            f"{bindir}/initdb",
            "-D",
            str(data),
            "-U",
            "shuzhi",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        capture_output=True,
        text=True,
    )
    if init.returncode != 0:
        pytest.skip(f"initdb failed: {init.stderr.strip()[:300]}")
    log = base / "pg.log"
    log.touch()
    if as_user:
        os.chmod(log, 0o666)
    server = subprocess.Popen(
        [
            *as_user,
            f"{bindir}/postgres",
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(base),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
        ],
        stdout=open(log, "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    url = f"postgresql+psycopg://shuzhi@127.0.0.1:{port}/postgres"
    import psycopg

    for _ in range(100):
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=shuzhi dbname=postgres").close()
            break
        except psycopg.OperationalError:
            if server.poll() is not None:
                pytest.skip(f"postgres did not start: {log.read_text()[-300:]}")
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.skip("postgres did not accept connections within 20 s")
    counter = {"n": 0}

    def new_database() -> str:
        counter["n"] += 1
        name = f"t{counter['n']}"
        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=shuzhi dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://shuzhi@127.0.0.1:{port}/{name}"

    yield new_database
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(base, ignore_errors=True)
    del url
