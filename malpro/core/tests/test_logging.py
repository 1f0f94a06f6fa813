import logging

from malpro.core.logging import RedactPersonalNumbers, redact


def test_personal_numbers_are_redacted_from_log_messages(caplog):
    logger = logging.getLogger("malpro.test.redaction")
    handler_filter = RedactPersonalNumbers()
    caplog.handler.addFilter(handler_filter)
    try:
        logger.warning(
            "claim by NIP %s phone %s NIK %s",
            "198507122010012003",
            "0812-3456-7890",
            "3573051203850001",
        )
    finally:
        caplog.handler.removeFilter(handler_filter)
    text = caplog.records[0].getMessage()
    assert "198507122010012003" not in text
    assert "3573051203850001" not in text
    assert "3456" not in text
    assert "disamarkan" in text


def test_redact_leaves_ordinary_numbers_alone():
    assert redact("order 1234 total 150000") == "order 1234 total 150000"
    assert "disamarkan" in redact("+6281234567890")


def test_every_configured_log_handler_redacts(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler.get("filters", []), name


def test_a_fraction_of_a_second_is_not_a_personal_number():
    line = "Task asn.refresh_open[c87d] succeeded in 0.021012345678901234s: 1"
    assert redact(line) == line
    assert "3573" in redact("NIK 3573011201900001 ditolak") and "disamarkan" in redact(
        "NIK 3573011201900001 ditolak"
    )
