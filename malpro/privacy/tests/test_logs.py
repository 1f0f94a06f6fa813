"""Logs and URLs without personal numbers: tracebacks and access lines masked; a NIK is never
taken from a query string."""

import io
import logging
import logging.config

import pytest

NIK = "3573051203850001"


@pytest.fixture
def log_output(settings):
    """The project's LOGGING (its handlers, filters and formatters) writing to a buffer."""
    buffer = io.StringIO()
    config = {**settings.LOGGING}
    config["handlers"] = {
        name: {**handler, "stream": buffer}
        for name, handler in settings.LOGGING["handlers"].items()
    }
    logging.config.dictConfig(config)
    yield buffer
    logging.config.dictConfig(settings.LOGGING)


def test_a_traceback_holding_a_nik_is_masked(log_output):
    try:
        raise ValueError(f"NIK {NIK} sudah terdaftar")
    except ValueError:
        logging.getLogger("malpro.umkm.services").exception("gagal menyimpan")
    text = log_output.getvalue()
    assert "ValueError: NIK 3573…[disamarkan] sudah terdaftar" in text
    assert NIK not in text


def test_a_stack_dump_and_django_loggers_are_masked(log_output):
    logging.getLogger("django.request").error("gagal %s", NIK, stack_info=True)
    logging.getLogger("django.server").info('"GET /api/v1/umkm?q=%s HTTP/1.1" 200 10', NIK)
    text = log_output.getvalue()
    assert NIK not in text and "/api/v1/umkm?q=3573…[disamarkan]" in text


def test_every_handler_uses_the_redacting_formatter(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        formatter = settings.LOGGING["formatters"][handler["formatter"]]
        assert formatter["()"] == "malpro.core.logging.RedactingFormatter", name
    for name in ("django", "django.server", "gunicorn.access"):
        assert settings.LOGGING["loggers"][name]["handlers"] == ["console"], name


def test_gunicorn_access_lines_carry_no_query_string():
    from pathlib import Path

    namespace: dict = {}
    exec(Path("gunicorn.conf.py").read_text(), namespace)
    fmt = namespace["access_log_format"]
    assert "%(U)s" in fmt and "%(r)s" not in fmt and "%(q)s" not in fmt and "%(f)s" not in fmt
