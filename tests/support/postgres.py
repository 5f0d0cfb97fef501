"""A throwaway PostgreSQL server from Debian's binaries, for integration tests.

``initdb`` makes a cluster in a temporary folder, ``pg_ctl`` runs it on a free
loopback port with its unix socket in that folder. PostgreSQL refuses to run as
root, so when the tests run as root the server runs as the ``postgres`` user
(created by Debian's package) through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries are missing or the server cannot be started."""


def find_bin_dir() -> Path:
    """The newest Debian PostgreSQL ``bin`` folder with ``initdb`` and ``pg_ctl``, else ``initdb`` on PATH."""
    candidates = [Path(d) for d in glob.glob(BIN_GLOB) if (Path(d) / "initdb").is_file()]
    candidates.sort(key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    if candidates:
        return candidates[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries (initdb, pg_ctl) in {BIN_GLOB} or on PATH: "
        "install them with `apt-get install postgresql` (.ci/run does this)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalPostgres:
    """A PostgreSQL cluster in a temporary folder; :meth:`stop` and :meth:`start` keep its data and port."""

    def __init__(self, *, database: str = "ioc", user: str = "ioc", port: int | None = None,
                 start_timeout: int = 60, durable: bool = False) -> None:
        self.database = database
        self.durable = durable
        self.user = user
        self.port = port
        self.start_timeout = start_timeout
        self.root: Path | None = None
        self._bin: Path | None = None
        self._as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the test database (psycopg 3 driver, trust auth on loopback)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{self.database}"

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self._root / "data"

    @property
    def log_file(self) -> Path:
        """The server's log."""
        return self._root / "server.log"

    @property
    def _root(self) -> Path:
        if self.root is None:
            raise PostgresUnavailable("the server has no folder yet: call start() first")
        return self.root

    def start(self) -> LocalPostgres:
        """Create the cluster on first use, then start the server and wait until it accepts connections."""
        if self.root is None:
            self._create()
        else:
            self._pg_ctl_start()
        return self

    def stop(self) -> None:
        """Stop the server (fast mode: sessions are disconnected, data is checkpointed)."""
        if self.root is None or not (self.data_dir / "postmaster.pid").exists():
            return
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", str(self.start_timeout),
                  "stop")

    def close(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self.stop()
        finally:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None

    def __enter__(self) -> LocalPostgres:
        try:
            return self.start()
        except BaseException:
            self.close()  # __exit__ does not run when __enter__ fails
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _create(self) -> None:
        self._bin = find_bin_dir()
        root = Path(tempfile.mkdtemp(prefix="ioc-pg-"))
        self.root = root
        if self._as_root:
            try:
                account = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root but there is no {SERVER_USER!r} user to run PostgreSQL as "
                    "(Debian's postgresql package creates it)") from None
            os.chown(root, account.pw_uid, account.pw_gid)
        if self.port is None:
            self.port = _free_port()
        self._run("initdb", "-D", str(self.data_dir), "-U", self.user, "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        self._pg_ctl_start()
        self._run("createdb", "-h", str(self._root), "-p", str(self.port), "-U", self.user, self.database)

    def _pg_ctl_start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w",
                  "-t", str(self.start_timeout), "-o", self._server_options(), "start")

    def _server_options(self) -> str:
        # fsync off for tests: a crash of a test machine loses nothing worth keeping; clean stops still
        # checkpoint. Benchmarks ask for ``durable`` so their numbers hold for a real deployment.
        safety = "" if self.durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        return f"-p {self.port} -k {self._root} -c listen_addresses=127.0.0.1 {safety}-c max_connections=50"

    def _run(self, tool: str, *args: str) -> None:
        assert self._bin is not None
        cmd = [str(self._bin / tool), *args]
        if self._as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=self.start_timeout + 30,
                              check=False, cwd=self._root)
        if done.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-3000:] if self.log_file.is_file() else ""
            raise PostgresUnavailable(
                f"{' '.join(cmd)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}\n{log}")
