"""Log hygiene: personal numbers (NIK, NIP, phone numbers) never reach the logs in clear,
neither in a message nor in a traceback, a stack dump or an access line."""

from __future__ import annotations

import logging
import re

# 15-18 digit runs (NIK, NIP) and Indonesian phone numbers in their usual spellings. A run right
# after "<digit>." is a fraction (a task's run time in seconds), not a personal number.
_LONG_DIGITS = re.compile(r"(?<!\d)(?<!\d\.)\d{15,18}(?!\d)")
_PHONE = re.compile(r"(?<![\w])(?:\+?62|0)8\d{1,3}[\s\-.]?\d{3,4}[\s\-.]?\d{2,5}(?!\d)")
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    text = _LONG_DIGITS.sub(lambda m: m.group(0)[:4] + "…[disamarkan]", text)
    return _PHONE.sub("[nomor HP disamarkan]", text)


class RedactPersonalNumbers(logging.Filter):
    """On every handler: the message, the traceback (formatted here, then redacted, so that
    no formatter formats the raw exception again) and the stack dump."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; keep the record
            message = None
        if message is not None:
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = _FORMATTER.formatException(record.exc_info)
            # The exception object (its args hold the NIK) goes: handlers that format it
            # themselves (mail, error trackers) would show it in clear.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """The whole formatted line redacted once more, whatever the format string adds (a
    request line, a traceback formatted after the filters ran)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
