"""Log hygiene: personal numbers (NIK, NIP, phone numbers) never reach the logs in clear."""

from __future__ import annotations

import logging
import re

# 15-18 digit runs (NIK, NIP) and Indonesian phone numbers in their usual spellings. A run right
# after "<digit>." is a fraction (a task's run time in seconds), not a personal number.
_LONG_DIGITS = re.compile(r"(?<!\d)(?<!\d\.)\d{15,18}(?!\d)")
_PHONE = re.compile(r"(?<![\w])(?:\+?62|0)8\d{1,3}[\s\-.]?\d{3,4}[\s\-.]?\d{2,5}(?!\d)")


def redact(text: str) -> str:
    text = _LONG_DIGITS.sub(lambda m: m.group(0)[:4] + "…[disamarkan]", text)
    return _PHONE.sub("[nomor HP disamarkan]", text)


class RedactPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; keep the record
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
