"""A single-node Apache Kafka broker run from its jars, for tests and ``make kafka``.

The jars come from Maven Central through ``streams/kafka/pom.xml`` and are cached in
``.cache/kafka/<version>/libs``. The broker runs in KRaft combined mode (broker and
controller in one JVM) on loopback, with a static one-voter quorum so that a data
folder survives a change of ports.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import ctypes
import hashlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import TracebackType

from ioc.errors import BrokerError

ROOT = Path(__file__).resolve().parent.parent
POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
CACHE_DIR = ROOT / ".cache" / "kafka"
LOG_TAIL_LINES = 40
# C1-only JIT: starts in about half the time on 2 cores, at some cost in peak throughput.
QUICK_START_JVM = ("-XX:TieredStopAtLevel=1",)
_ERROR_LINE = re.compile(r"\] (ERROR|FATAL) |^Caused by: |^Error: |Exception in thread")

_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = org.apache.kafka
logger.kafka.level = INFO
"""


def kafka_version(pom: Path = POM) -> str:
    """The Kafka version pinned in the pom's ``kafka.version`` property."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ET.parse(pom).getroot().find("m:properties/m:kafka.version", ns)
    if node is None or not (node.text or "").strip():
        raise BrokerError(f"{pom} has no <kafka.version> property")
    return (node.text or "").strip()


def ensure_jars(cache_dir: Path = CACHE_DIR, pom: Path = POM, mvn: str = "mvn") -> Path:
    """Return the folder of the broker's jars, downloading them with Maven when missing or stale."""
    libs = cache_dir / kafka_version(pom) / "libs"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    stamp = libs / ".pom-sha256"
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return libs
    mvn_path = shutil.which(mvn)
    if mvn_path is None:
        raise BrokerError(f"Maven ({mvn!r}) is not on PATH: it fetches the Kafka jars "
                          "(apt-get install maven)")
    libs.parent.mkdir(parents=True, exist_ok=True)
    # Download beside the target, then rename: an interrupted download never looks complete.
    staging = Path(tempfile.mkdtemp(prefix="libs-", dir=libs.parent))
    try:
        cmd = [mvn_path, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
               f"-DoutputDirectory={staging}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
        if done.returncode != 0:
            raise BrokerError(f"mvn could not fetch the Kafka jars (exit {done.returncode}):\n"
                              + _tail(done.stdout + done.stderr))
        (staging / ".pom-sha256").write_text(digest + "\n")
        shutil.rmtree(libs, ignore_errors=True)
        try:
            staging.rename(libs)
        except OSError:  # another process finished the same download first
            if not (stamp.is_file() and stamp.read_text().strip() == digest):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return libs


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Distinct ports free on ``host`` right now (all held open together, so never the same twice)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind((host, 0))
        return [s.getsockname()[1] for s in sockets]


def _tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _die_with_parent() -> None:
    # Linux: the JVM gets SIGTERM if the Python process that started it dies without cleaning up.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalKafka:
    """A Kafka broker in a child JVM; ports and data are kept across :meth:`restart`.

    Parameters
    ----------
    port, controller_port
        Loopback ports of the PLAINTEXT and CONTROLLER listeners; free ones are picked when None.
    work_dir
        Folder for config, logs and data. None: a temporary folder that :meth:`close` removes;
        a given folder is kept, and storage is formatted only the first time.
    jvm_options
        Extra JVM flags; the default trades peak throughput for a quick start (tests).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        controller_port: int | None = None,
        work_dir: Path | None = None,
        heap: str = "512m",
        jvm_options: tuple[str, ...] = QUICK_START_JVM,
        start_timeout: float = 120.0,
        java: str = "java",
        mvn: str = "mvn",
        cache_dir: Path = CACHE_DIR,
    ) -> None:
        self.host = host
        self.port = port
        self.controller_port = controller_port
        self.heap = heap
        self.jvm_options = jvm_options
        self.start_timeout = start_timeout
        self.java = java
        self.mvn = mvn
        self.cache_dir = cache_dir
        self._owns_dir = work_dir is None
        self.work_dir = work_dir
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` of the PLAINTEXT listener, for ``bootstrap_servers``."""
        if self.port is None:
            raise BrokerError("the broker has no port yet: call start() first")
        return f"{self.host}:{self.port}"

    @property
    def log_file(self) -> Path:
        """The broker's log4j2 log."""
        return self._dir / "server.log"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def _dir(self) -> Path:
        if self.work_dir is None:
            raise BrokerError("the broker has no folder yet: call start() first")
        return self.work_dir

    def start(self) -> LocalKafka:
        """Fetch the jars if needed, format storage on first start, run the broker, wait until it answers."""
        if self.running:
            return self
        java = shutil.which(self.java)
        if java is None:
            raise BrokerError(f"Java ({self.java!r}) is not on PATH: Kafka {kafka_version()} needs Java 17+")
        libs = ensure_jars(self.cache_dir, mvn=self.mvn)
        if self.work_dir is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="ioc-kafka-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        spare = iter(free_ports(2, self.host))
        self.port = self.port or next(spare)
        self.controller_port = self.controller_port or next(spare)
        config = self._write_config()
        base = [java, f"-Xmx{self.heap}", *self.jvm_options, "-Djava.awt.headless=true",
                f"-Dlog4j2.configurationFile={self._dir / 'log4j2.properties'}", "-cp", f"{libs}/*"]
        if not (self._dir / "data" / "meta.properties").exists():
            self._format(base, config)
        out = (self._dir / "kafka.out").open("ab")
        try:
            self._proc = subprocess.Popen([*base, "kafka.Kafka", str(config)], stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          cwd=self._dir, start_new_session=True, preexec_fn=_die_with_parent)
        finally:
            out.close()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the broker cleanly (SIGTERM), killing it if it does not exit within ``timeout``."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def restart(self) -> LocalKafka:
        """Stop and start again on the same ports and data."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the broker and remove its folder if this object created it."""
        self.stop()
        if self._owns_dir and self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir = None

    def wait(self) -> int:
        """Block until the broker process exits; return its exit code."""
        if self._proc is None:
            raise BrokerError("the broker is not running")
        return self._proc.wait()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of the broker's log and of its console output."""
        parts = []
        for path in (self._dir / "kafka.out", self.log_file):
            if path.is_file():
                text = path.read_text(errors="replace")
                # Stack traces push the cause out of a plain tail: list the error lines first.
                errors = [line for line in text.splitlines() if _ERROR_LINE.search(line)]
                if errors:
                    parts.append(f"--- errors in {path} ---\n" + "\n".join(errors[-lines // 2:]))
                parts.append(f"--- end of {path} ---\n" + _tail(text, lines))
        return "\n".join(parts) or "(the broker wrote no log)"

    def __enter__(self) -> LocalKafka:
        try:
            return self.start()
        except BaseException:
            self.close()  # __exit__ does not run when __enter__ fails
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _write_config(self) -> Path:
        listener, controller = f"{self.host}:{self.port}", f"{self.host}:{self.controller_port}"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "listeners": f"PLAINTEXT://{listener},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{listener}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.quorum.voters": f"1@{controller}",
            "log.dirs": str(self._dir / "data"),
            "num.partitions": "3",
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "5",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "5",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
        }
        config = self._dir / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        (self._dir / "log4j2.properties").write_text(_LOG4J2.format(log=self.log_file))
        return config

    def _format(self, base: list[str], config: Path) -> None:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        cmd = [*base, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise BrokerError(f"formatting Kafka storage failed (exit {done.returncode}):\n"
                              + _tail(done.stdout + done.stderr) + "\n" + self.log_tail())

    def _wait_ready(self) -> None:
        from kafka import KafkaAdminClient  # kafka-python; imported late so `--help` works without it

        deadline = time.monotonic() + self.start_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = None if self._proc is None else self._proc.returncode
                raise BrokerError(f"the Kafka broker exited (code {code}) while starting:\n{self.log_tail()}")
            try:
                # Short backoffs: the client's defaults grow to 30 s and would hide a ready broker.
                admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="ioc-broker-probe",
                                         request_timeout_ms=5000, bootstrap_timeout_ms=3000,
                                         reconnect_backoff_max_ms=250)
                try:
                    admin.list_topics()
                    return
                finally:
                    admin.close()
            except Exception as exc:  # any client error means "not ready yet"
                last_error = exc
                time.sleep(0.25)
        raise BrokerError(f"the Kafka broker did not answer on {self.bootstrap} within "
                          f"{self.start_timeout:.0f}s (last error: {last_error!r}):\n{self.log_tail()}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run a broker in the foreground until Ctrl-C (``make kafka``)."""
    parser = argparse.ArgumentParser(prog="python -m streams.broker", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="listener address (default %(default)s)")
    parser.add_argument("--port", type=int, default=9092, help="PLAINTEXT port (default %(default)s)")
    parser.add_argument("--controller-port", type=int, default=9093, help="KRaft controller port")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "kafka",
                        help="folder kept between runs (default var/kafka)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the broker as cleanly as Ctrl-C
    broker = LocalKafka(host=args.host, port=args.port, controller_port=args.controller_port,
                        work_dir=args.data_dir, jvm_options=())
    try:
        started = time.monotonic()
        broker.start()
        print(f"Kafka {kafka_version()} ready on {broker.bootstrap} in {time.monotonic() - started:.1f}s; "
              f"log {broker.log_file}. Ctrl-C stops it.", flush=True)
        code = broker.wait()
        print(f"the broker exited with code {code}:\n{broker.log_tail()}", file=sys.stderr)
        return code or 1
    except KeyboardInterrupt:
        print("stopping the broker...", flush=True)
        return 0
    except BrokerError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())
