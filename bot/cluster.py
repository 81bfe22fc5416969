"""`python -m bot run --instances N` (`make run-cluster`): Rasa's own scale-out, on one machine.

N Rasa instances, each with its own action server, share one PostgreSQL tracker store and one Redis
lock store; nginx in front serves the widget and the demo page and balances every other route over
the instances. nginx reads the same files as on real hosts (deploy/nginx/); only the wrapper with
the loopback ports is written here. PostgreSQL is a private cluster in var/cluster/postgres that
keeps the conversations between runs; Redis keeps nothing on disk (a lock lives for seconds).
Everything listens on loopback except nginx, which listens where RYGBOT_HOST and RYGBOT_RASA_PORT
say. Ctrl-C stops everything, the front first.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Optional, Sequence

from bot import launcher
from bot.settings import PROJECT_ROOT, Settings, get_settings
from bot.urls import DEMO_PATH, HEALTH_PATH

# Rasa's tracker store uses SQLAlchemy 1.4's API (Rasa pins 1.4), which warns about 2.0 at import.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

CLUSTER_DIR = launcher.VAR_DIR / "cluster"
NGINX_DIR = PROJECT_ROOT / "deploy" / "nginx"
# Shared with deploy/nginx/rygbot.conf: http-level settings (rate-limit zones, log format) and the
# server's routes (limits, static widget files, proxying).
NGINX_HTTP_CONF = NGINX_DIR / "rygbot-http.conf"
NGINX_ROUTES_CONF = NGINX_DIR / "rygbot-routes.conf"
WIDGET_DIR = PROJECT_ROOT / "widget"
HOST = "127.0.0.1"
DEFAULT_INSTANCES = 2
DATABASE = "rygbot"
DATABASE_USER = "rygbot"
# Rasa's ticket lock (rasa.core.lock_store): the ticket of an instance that died mid-turn blocks its
# conversation until it expires. Rasa's default, 60 s, is longer than the channel's 30 s reply
# timeout, so the resent message would get the safe reply; 20 s is still far longer than a turn.
TICKET_LOCK_LIFETIME_SECONDS = 20
# Rasa's SQL tracker store runs its queries in the event loop, one at a time per instance; its
# default pool (50 + 100 overflow per instance) would only exhaust PostgreSQL's 100 connections.
INSTANCE_ENV = {
    "TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME_SECONDS),
    "SQL_POOL_SIZE": "5",
    "SQL_MAX_OVERFLOW": "5",
}
# What `run` needs from Debian, installed by scripts/ensure-test-packages.sh when missing.
DEBIAN_PACKAGES = ("postgresql", "redis-server", "nginx")
POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def program(name: str, folders: Sequence[Path] = ()) -> Optional[str]:
    """A program from `folders`, PATH or /usr/sbin (nginx's folder, not on every user's PATH)."""
    for folder in (*folders, *(Path(p) for p in os.get_exec_path()), Path("/usr/sbin")):
        if (folder / name).is_file():
            return str(folder / name)
    return None


def required(path: Optional[str], name: str) -> str:
    """`path` of a program that must be there (run-cluster installs them before it starts)."""
    if path is None:
        raise RuntimeError(f"{name} is not installed (make run-cluster installs it)")
    return path


def postgres_bin(name: str) -> Optional[str]:
    """A PostgreSQL server program from Debian's packages (they are not on PATH)."""
    return program(name, POSTGRES_BIN_DIRS)


def missing_programs() -> list[str]:
    """The Debian packages whose programs are not installed."""
    found = {
        "postgresql": postgres_bin("initdb") and postgres_bin("pg_ctl"),
        "redis-server": program("redis-server"),
        "nginx": program("nginx"),
    }
    return [package for package in DEBIAN_PACKAGES if not found[package]]


def ensure_packages() -> None:
    """Install PostgreSQL, Redis and nginx from Debian when missing (the tests' installer)."""
    missing = missing_programs()
    if missing:
        subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "ensure-test-packages.sh"), *missing], check=True)


def _wait(check: Callable[[], bool], process: Optional[subprocess.Popen], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} was not ready after {timeout:.0f} s")


# --- PostgreSQL -------------------------------------------------------------------------------------


@dataclass
class Postgres:
    """A private PostgreSQL cluster in `folder` (created on first start), on loopback only.

    Trust authentication on loopback, so only for one machine; PostgreSQL will not run as root, so
    as root it runs as the `postgres` user that Debian's package creates (and `folder` must be
    reachable by it). `durable=False` (tests) turns fsync off. The server's log is in `folder`.
    """

    folder: Path
    port: int = field(default_factory=free_port)
    durable: bool = True

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{DATABASE_USER}@{HOST}:{self.port}/{DATABASE}"

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*self._as_owner(), *command], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def _pg_ctl(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run(required(postgres_bin("pg_ctl"), "pg_ctl"), "-D", str(self.data), *arguments, check=check)

    def start(self) -> "Postgres":
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run(
                required(postgres_bin("initdb"), "initdb"),
                "-D", str(self.data), "-A", "trust", "-U", DATABASE_USER, "-E", "UTF8",
            )
        elif self._pg_ctl("status", check=False).returncode == 0:
            self._pg_ctl("-m", "fast", "-w", "stop")  # left running by a run that was killed
        options = f"-k {self.folder} -p {self.port} -c listen_addresses={HOST}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off"
        self._pg_ctl("-o", options, "-l", str(self.folder / "postgres.log"), "-w", "start")
        self._create_database()
        return self

    def _create_database(self) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                exists = connection.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": DATABASE}
                )
                if not exists.first():
                    connection.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
        finally:
            engine.dispose()

    def create_schema(self) -> None:
        """Rasa's `events` table, made once before the instances start: several instances creating
        it at the same time fail and retry after 5 s (rasa.core.tracker_store.SQLTrackerStore)."""
        import sqlalchemy as sa
        from rasa.core.tracker_store import SQLTrackerStore

        engine = sa.create_engine(self.url)
        try:
            SQLTrackerStore.Base.metadata.create_all(engine)
        finally:
            engine.dispose()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("-m", "fast", "-w", "stop", check=False)


# --- Redis ------------------------------------------------------------------------------------------


@dataclass
class Redis:
    """A Redis server on loopback that keeps nothing on disk: Rasa's locks live for seconds."""

    folder: Path
    log: IO[str]
    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> "Redis":
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            required(program("redis-server"), "redis-server"),
            "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no",
            "--dir", str(self.folder), "--daemonize", "no", "--loglevel", "warning", "--logfile", "",
        ]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(self._pong, self.process, "Redis")
        return self

    def _pong(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host=HOST, port=self.port, socket_timeout=1).ping())
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        launcher.stop(self.process)


# --- nginx ------------------------------------------------------------------------------------------

NGINX_CONF = """\
# Written by bot/cluster.py for `make run-cluster`; the routes and limits are deploy/nginx/'s.
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {log_dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {http_conf};
    access_log {log_dir}/nginx-access.log rygbot;
    upstream rygbot_rasa {{
{servers}
        keepalive 16;
    }}
    server {{
        listen {listen};
        server_name _;
        root {widget_dir};
        include {routes_conf};
    }}
}}
"""


def nginx_conf(folder: Path, log_dir: Path, listen: str, rasa_ports: Sequence[int]) -> str:
    """nginx's configuration for a local cluster: deploy/nginx/'s routes over loopback instances."""
    servers = "\n".join(f"        server {HOST}:{port} max_fails=1 fail_timeout=5s;" for port in rasa_ports)
    # Started as root, nginx's workers would drop to an unprivileged user that may not read a
    # checkout under a private folder (a CI clone in a 0700 temporary directory): keep our own.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return NGINX_CONF.format(
        user=user, folder=folder, log_dir=log_dir, listen=listen, servers=servers, widget_dir=WIDGET_DIR,
        http_conf=NGINX_HTTP_CONF, routes_conf=NGINX_ROUTES_CONF,
    )


@dataclass
class Nginx:
    """nginx in front, on host:port, over the Rasa instances on `rasa_ports` (`nginx_conf`)."""

    folder: Path
    log_dir: Path
    log: IO[str]
    host: str
    port: int
    rasa_ports: Sequence[int]
    process: Optional[subprocess.Popen] = None

    @property
    def base_url(self) -> str:
        return f"http://{launcher._client_host(self.host)}:{self.port}"

    def start(self) -> "Nginx":
        self.folder.mkdir(parents=True, exist_ok=True)
        listen = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_conf(self.folder, self.log_dir, listen, self.rasa_ports))
        command = [
            required(program("nginx"), "nginx"),
            "-p", str(self.folder), "-c", str(conf), "-e", str(self.log_dir / "nginx-error.log"),
        ]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx refused its configuration: {checked.stderr.strip()}")
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"], stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        _wait(lambda: _answers(self.base_url + HEALTH_PATH), self.process, "nginx")
        return self

    def stop(self) -> None:
        launcher.stop(self.process)


def _answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


# --- The Rasa instances -----------------------------------------------------------------------------


@dataclass
class Instance:
    """One Rasa server with its own action server, both on loopback."""

    number: int
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}"

    def stop(self) -> None:
        launcher.stop(self.rasa)
        launcher.stop(self.actions)

    def kill_rasa(self) -> None:
        """Kill the Rasa server at once (SIGKILL), as a crash would."""
        if self.rasa is not None and self.rasa.poll() is None:
            os.killpg(self.rasa.pid, signal.SIGKILL)
            self.rasa.wait(timeout=30)


@dataclass
class Cluster:
    """PostgreSQL, Redis, `instances` Rasa instances with their action servers, and nginx.

    `settings` say where nginx listens and how Rasa runs (CORS, API token); `env` is added to the
    environment of the Rasa processes (the tests' settings).
    """

    model: Path
    folder: Path
    instances: int = DEFAULT_INSTANCES
    settings: Settings = field(default_factory=get_settings)
    env: dict[str, str] = field(default_factory=dict)
    durable: bool = True
    log_dir: Optional[Path] = None
    # Where PostgreSQL keeps its data and log (default: folder/postgres); root runs it as `postgres`,
    # which must be able to reach it.
    postgres_folder: Optional[Path] = None
    postgres: Optional[Postgres] = None
    redis: Optional[Redis] = None
    nginx: Optional[Nginx] = None
    members: list[Instance] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        assert self.nginx is not None
        return self.nginx.base_url

    def log_file(self, name: str) -> IO[str]:
        """A part's log file in `log_dir`, for appending."""
        assert self.log_dir is not None
        return (self.log_dir / f"{name}.log").open("a", encoding="utf-8")

    def start(self) -> "Cluster":
        """Start every part and wait until nginx answers; on failure stop what started and raise."""
        self.log_dir = self.log_dir or self.folder / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.postgres = Postgres(self.postgres_folder or self.folder / "postgres", durable=self.durable)
        self.postgres.start()
        self.postgres.create_schema()
        self.redis = Redis(self.folder / "redis", self.log_file("redis"))
        self.redis.start()
        self.members = [Instance(number) for number in range(1, self.instances + 1)]
        for member in self.members:
            self._start_instance(member)
        for member in self.members:
            action_health, rasa_health = launcher.health_urls(HOST, member.rasa_port, member.action_port)
            assert member.actions is not None and member.rasa is not None  # started just above
            launcher.wait_until_ready(action_health, member.actions)
            launcher.wait_until_ready(rasa_health, member.rasa)
        assert self.log_dir is not None  # set by start()
        self.nginx = Nginx(
            self.folder / "nginx", self.log_dir, self.log_file("nginx"), self.settings.host,
            self.settings.rasa_port, [member.rasa_port for member in self.members],
        )
        self.nginx.start()

    def instance_env(self) -> dict[str, str]:
        """The Rasa processes' environment: the shared stores (also for /stats) and Rasa's knobs."""
        assert self.postgres is not None and self.redis is not None
        return {
            **launcher.rasa_env(self.settings), **INSTANCE_ENV, **self.env,
            "RYGBOT_TRACKER_STORE_URL": self.postgres.url, "RYGBOT_LOCK_STORE_URL": self.redis.url,
        }

    def _start_instance(self, member: Instance) -> None:
        assert self.postgres is not None and self.redis is not None
        endpoints = launcher.write_endpoints(
            self.folder / f"endpoints-{member.number}.yml", member.action_port, self.postgres.url, self.redis.url
        )
        env = self.instance_env()
        member.actions = launcher.start_action_server(
            member.action_port, self.log_file(f"actions-{member.number}"), env=env, host=HOST
        )
        settings = dataclasses.replace(self.settings, host=HOST)
        member.rasa = launcher.start_rasa(
            self.model, member.rasa_port, endpoints, self.log_file(f"rasa-{member.number}"), settings, env=env
        )

    def stop(self) -> None:
        """Stop everything that runs, the front first, the stores last."""
        if self.nginx:
            self.nginx.stop()
        for member in self.members:
            member.stop()
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of every part's log, for a failure report."""
        tails = []
        for log in sorted((self.log_dir or self.folder).glob("*.log")):
            text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            tails.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(tails)

    def dead_parts(self) -> list[str]:
        """The parts whose process has exited."""
        dead = [
            f"{kind} {member.number}"
            for member in self.members
            for kind, process in (("Rasa", member.rasa), ("action server", member.actions))
            if process is not None and process.poll() is not None
        ]
        for name, part in (("nginx", self.nginx), ("Redis", self.redis)):
            if part is not None and part.process is not None and part.process.poll() is not None:
                dead.append(name)
        return dead


# --- `python -m bot run --instances N` ----------------------------------------------------------------


def run(instances: int) -> int:
    """Start a local cluster, print where to chat, purge daily, and wait for Ctrl-C.

    One instance that stops leaves the others serving (nginx passes its conversations on); the run
    ends when nginx, Redis or every Rasa instance has stopped.
    """
    settings = get_settings()
    launcher.cors_arguments(settings)  # refuse an unsafe CORS setting before the long steps
    ensure_packages()
    model = launcher.train_if_needed()
    cluster = Cluster(model, CLUSTER_DIR, instances, settings)

    def shutdown(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    print(
        f"Starter {instances} Rasa-instanser bag nginx (logs: {CLUSTER_DIR.relative_to(PROJECT_ROOT)}/log/) ...",
        flush=True,
    )
    try:
        cluster.start()
        assert cluster.postgres is not None
        purge_settings = dataclasses.replace(settings, tracker_store_url=cluster.postgres.url)
        launcher.purge_now(purge_settings)
        next_purge = time.monotonic() + launcher.PURGE_INTERVAL_SECONDS
        print(
            f"\nrygbot kører med {instances} instanser. Åbn {cluster.base_url}{DEMO_PATH} i en browser"
            f"\neller chat i terminalen: make chat. Stop med Ctrl-C.\n",
            flush=True,
        )
        reported: set[str] = set()
        while True:
            time.sleep(0.5)
            dead = set(cluster.dead_parts())
            for part in sorted(dead - reported):
                print(
                    f"{part} stoppede (se {CLUSTER_DIR.relative_to(PROJECT_ROOT)}/log/).", file=sys.stderr, flush=True
                )
            reported = dead
            if {"nginx", "Redis"} & dead or all(f"Rasa {m.number}" in dead for m in cluster.members):
                print("rygbot kan ikke svare længere; stopper resten.", file=sys.stderr)
                return 1
            if time.monotonic() >= next_purge:
                launcher.purge_now(purge_settings)
                next_purge = time.monotonic() + launcher.PURGE_INTERVAL_SECONDS
    except KeyboardInterrupt:
        print("\nStopper rygbot ...", flush=True)
        return 0
    finally:
        cluster.stop()
