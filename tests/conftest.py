"""Session fixtures shared by the slow tests: one trained model, one pair of real servers.

`rasa_servers` starts the action server and Rasa on free localhost ports (once per session) and
stops them at the end. When a test that used them fails, the tail of the servers' log is added
to its report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.servers import RasaServers, train_model

_SERVERS_KEY = pytest.StashKey[RasaServers]()


@pytest.fixture(scope="session")
def servers_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers") / "servers.log"


@pytest.fixture(scope="session")
def trained_model(servers_log: Path) -> Path:
    """The Rasa model for the current data (reused from models/ when nothing changed)."""
    return train_model(servers_log)


@pytest.fixture(scope="session")
def rasa_servers(
    request: pytest.FixtureRequest, trained_model: Path, servers_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RasaServers]:
    """The real action server and Rasa server with the rygbot channel."""
    servers = RasaServers(trained_model, tmp_path_factory.mktemp("rasa"), servers_log)
    request.config.stash[_SERVERS_KEY] = servers
    try:
        servers.start()
    except Exception as error:
        servers.stop()
        raise RuntimeError("The rygbot servers did not start. Log:\n" + servers.log_tail()) from error
    yield servers
    servers.stop()


@pytest.fixture
def action_server_up(rasa_servers: RasaServers) -> RasaServers:
    """The servers, with the action server (re)started if a test stopped it."""
    rasa_servers.start_action_server()
    return rasa_servers


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    servers = item.config.stash.get(_SERVERS_KEY, None)
    if report.failed and servers is not None and "rasa_servers" in getattr(item, "fixturenames", ()):
        report.sections.append(("rygbot servers log (tail)", servers.log_tail()))
