"""Production mode must refuse to start without a real secret key (checked in a fresh process,
exactly as a server would start)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _start(env_overrides):
    cleared = (
        "SECRET_KEY",
        "DEBUG",
        "MALPRO_ENV",
        "REDIS_URL",
        "MALPRO_SMS_BACKEND",
        "MALPRO_WHATSAPP_BACKEND",
        "MALPRO_TRUSTED_PROXIES",
        "MALPRO_BEHIND_PROXY",
        "MALPRO_DATA_KEYS",
        "MALPRO_LOOKUP_KEY",
    )
    env = {k: v for k, v in os.environ.items() if k not in cleared}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"DEBUG": "0"},
        {"MALPRO_ENV": "production", "ALLOWED_HOSTS": "malpro.example"},
        {"DEBUG": "0", "SECRET_KEY": "malpro-local-development-key-never-use-in-production"},
        {"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "malpro.example"},
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(overrides):
    result = _start({"DJANGO_SETTINGS_MODULE": "malpro.settings", **overrides})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "malpro.settings",
    "MALPRO_ENV": "production",
    "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789",
    "ALLOWED_HOSTS": "malpro.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "MALPRO_SMS_BACKEND": "http",
    "MALPRO_SMS_HTTP_URL": "https://sms.example/send",
    "MALPRO_WHATSAPP_BACKEND": "cloud",
    "MALPRO_WHATSAPP_PHONE_NUMBER_ID": "109876543210",
    "MALPRO_WHATSAPP_TOKEN": "wa-token",
    "MALPRO_WHATSAPP_APP_SECRET": "wa-secret",
    "MALPRO_TRUSTED_PROXIES": "127.0.0.1",
    "MALPRO_DATA_KEYS": "pZ3s2D3Yq8bqV0mXhQ2m8Xy0pTQn1c2VbKq9wE4rT6s=",
    "MALPRO_LOOKUP_KEY": "lookup-" + "zyxwvutsrqponmlkjihgfedcba9876543210",
}


def test_production_starts_with_a_real_key_and_hosts():
    result = _start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_requires_redis_for_shared_rate_limits():
    # Without Redis every worker process would count login attempts alone.
    result = _start({k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr
    pilot = _start(
        {**{k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}, "MALPRO_ALLOW_NO_REDIS": "1"}
    )
    assert pilot.returncode == 0, pilot.stderr


def test_production_refuses_to_print_one_time_codes_on_the_console():
    result = _start({**PRODUCTION, "MALPRO_SMS_BACKEND": "console"})
    assert result.returncode != 0
    assert "MALPRO_SMS_BACKEND" in result.stderr


def test_production_behind_a_proxy_must_name_it():
    # Otherwise every person seems to come from the proxy: one attacker slows everyone.
    result = _start({k: v for k, v in PRODUCTION.items() if k != "MALPRO_TRUSTED_PROXIES"})
    assert result.returncode != 0
    assert "MALPRO_TRUSTED_PROXIES" in result.stderr
    direct = {k: v for k, v in PRODUCTION.items() if k != "MALPRO_TRUSTED_PROXIES"}
    assert _start({**direct, "MALPRO_BEHIND_PROXY": "0"}).returncode == 0


def test_production_refuses_an_unreadable_trusted_proxy():
    result = _start({**PRODUCTION, "MALPRO_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"})
    assert result.returncode != 0
    assert "MALPRO_TRUSTED_PROXIES" in result.stderr


def test_production_requires_allowed_hosts():
    result = _start(
        {
            "DJANGO_SETTINGS_MODULE": "malpro.settings",
            "MALPRO_ENV": "production",
            "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_local_mode_runs_with_no_variables_on_sqlite_in_wal_mode(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "MALPRO_ENV", "DATABASE_URL", "REDIS_URL")
    }
    env["MALPRO_VAR_DIR"] = str(tmp_path)
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_production_requires_whatsapp_for_messages():
    """Sellers are reached on WhatsApp: production refuses to print messages on a console."""
    result = _start({k: v for k, v in PRODUCTION.items() if k != "MALPRO_WHATSAPP_BACKEND"})
    assert result.returncode != 0 and "MALPRO_WHATSAPP_BACKEND" in result.stderr
    allowed = {
        **{k: v for k, v in PRODUCTION.items() if k != "MALPRO_WHATSAPP_BACKEND"},
        "MALPRO_ALLOW_CONSOLE_WHATSAPP": "1",
    }
    assert "started" in _start(allowed).stdout


def test_the_cloud_backend_needs_its_credentials():
    partial = {**PRODUCTION, "MALPRO_WHATSAPP_APP_SECRET": ""}
    result = _start(partial)
    assert result.returncode != 0 and "MALPRO_WHATSAPP_APP_SECRET" in result.stderr
