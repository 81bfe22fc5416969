"""deploy/nginx/: the production site and `make run-cluster`'s configuration are valid nginx, and
the widget files get the headers the Rasa channel gives them (the live check is in
tests/e2e/test_cluster.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot import cluster
from bot.rasa.channel import DEMO_CSP, SECURITY_HEADERS, STATIC_FILES
from bot.urls import DEMO_PATH

ROOT = Path(__file__).resolve().parents[1]
NGINX = cluster.program("nginx")
needs_nginx = pytest.mark.skipif(not NGINX, reason="nginx is not installed (scripts/ensure-test-packages.sh)")


def _nginx_t(folder: Path, http_body: str) -> subprocess.CompletedProcess:
    conf = folder / "nginx.conf"
    conf.write_text(f"pid {folder}/nginx.pid;\nevents {{}}\nhttp {{\n{http_body}\n}}\n")
    return subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True, text=True,
    )


@needs_nginx
@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
def test_the_production_site_is_valid_nginx(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=bot.example.dk", "-days", "1",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )
    site = (ROOT / "deploy" / "nginx" / "rygbot.conf").read_text()
    site = (
        site.replace("/srv/rygbot", str(ROOT))
        .replace("/etc/letsencrypt/live/bot.example.dk/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/letsencrypt/live/bot.example.dk/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    checked = _nginx_t(tmp_path, site)
    assert checked.returncode == 0, checked.stderr


@needs_nginx
def test_the_local_cluster_configuration_is_valid_nginx(tmp_path):
    conf = cluster.nginx_conf(tmp_path, tmp_path, "127.0.0.1:5999", [6001, 6002])
    assert f"include {cluster.NGINX_ROUTES_CONF};" in conf and f"include {cluster.NGINX_HTTP_CONF};" in conf
    (tmp_path / "nginx.conf").write_text(conf)
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_nginx_serves_each_widget_file_with_the_channels_type_and_headers():
    routes = cluster.NGINX_ROUTES_CONF.read_text()
    for path, (filename, content_type, cache_control) in STATIC_FILES.items():
        block = re.search(r"location = " + re.escape(path) + r" \{(.*?)\n\}", routes, re.DOTALL)
        assert block, path
        body = block.group(1)
        assert f'default_type "{content_type}";' in body, path
        assert f'Cache-Control "{cache_control}"' in body, path
        assert f"try_files /{filename} =404;" in body, path
        for name, value in SECURITY_HEADERS.items():
            assert f"add_header {name} {value} always;" in body, (path, name)
        assert (f'Content-Security-Policy "{DEMO_CSP}"' in body) == (path == DEMO_PATH), path
