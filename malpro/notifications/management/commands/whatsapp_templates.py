"""Lists the WhatsApp templates a city registers with Meta (WhatsApp Manager, or the Business
Management API) before turning on MALPRO_WHATSAPP_BACKEND=cloud.

Every message template (notifications.kinds) is a UTILITY template `malpro_<key>` whose body
takes the template's values as {{1}}, {{2}}, ... in the order they appear in the Indonesian
body (the order the worker sends them in); one-time codes are AUTHENTICATION templates
`malpro_otp_<purpose>` with the code as their one value and a copy-code button. A template
whose message has a link gets an "open" URL button (with a value when the link has values:
the worker sends the link's end). Each comes in Indonesian ("id") and English ("en").
The URLs use MALPRO_PUBLIC_URL: run this with the city's own setting.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from malpro.notifications import kinds
from malpro.notifications.channels.whatsapp import url_button

LANGUAGES = ("id", "en")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# Meta's fixed wording of authentication templates (only the code, the security
# recommendation and the expiry are chosen when registering them).
_BUTTON_TEXT = {"id": "Buka", "en": "Open"}
_OTP_BODY = {
    "id": "*{{1}}* adalah kode verifikasi Anda.",
    "en": "*{{1}}* is your verification code.",
}


def _numbered(text: str, names: tuple[str, ...]) -> str:
    numbered = _PLACEHOLDER.sub(lambda m: f"{{{{{names.index(m.group(1)) + 1}}}}}", text)
    return numbered.replace("%%", "%")


def _warnings(body: str) -> list[str]:
    out = []
    stripped = body.strip()
    if stripped.startswith("{{") or stripped.endswith("}}"):
        out.append("a value at the start or the end of the body: Meta refuses it; reword it")
    if re.search(r"\}\}\s*\{\{", body):
        out.append("two values next to each other: Meta refuses it; reword it")
    return out


def kind_template(kind: kinds.Kind) -> dict:
    languages = {}
    warnings: list[str] = []
    for language in LANGUAGES:
        with translation.override(language):
            title = str(kind.title)
            body = _numbered(str(kind.body), kind.placeholders)
        entry = {"body": body}
        if not _PLACEHOLDER.search(title):
            entry["header"] = title.replace("%%", "%")  # a fixed header; else none
        button = url_button(kind.link)
        if button is not None:
            url, takes_value = button
            entry["buttons"] = [{"type": "URL", "text": _BUTTON_TEXT[language], "url": url}]
            if takes_value:
                entry["buttons"][0]["example"] = [url.replace("{{1}}", "contoh/1/")]
        languages[language] = entry
        warnings += [f"{language}: {w}" for w in _warnings(body)]
    return {
        "name": kind.whatsapp_name,
        "key": kind.key,
        "category": "UTILITY",
        "parameters": list(kind.placeholders),
        "example": [f"<{name}>" for name in kind.placeholders],
        "languages": languages,
        "warnings": warnings,
    }


def otp_templates() -> list[dict]:
    from malpro.accounts.models import OneTimeCode  # accounts sends through this app

    return [
        {
            "name": f"malpro_otp_{purpose}",
            "key": f"otp.{purpose}",
            "category": "AUTHENTICATION",
            "parameters": ["code"],
            "example": ["123456"],
            "languages": {
                language: {
                    "body": _OTP_BODY[language],
                    "add_security_recommendation": True,
                    "code_expiration_minutes": max(1, settings.MALPRO_OTP_TTL_SECONDS // 60),
                    "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}],
                }
                for language in LANGUAGES
            },
            "warnings": [],
        }
        for purpose in OneTimeCode.Purpose.values
    ]


def templates() -> list[dict]:
    return [kind_template(k) for k in kinds.all_kinds()] + otp_templates()


class Command(BaseCommand):
    help = (
        "Lists every WhatsApp template to register with Meta (name, category, languages id "
        "and en, body with {{1}}..{{n}}). --json for a machine-readable list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON")

    def handle(self, *args, **opts):
        listed = templates()
        if opts["json"]:
            self.stdout.write(json.dumps(listed, ensure_ascii=False, indent=2))
            return
        for t in listed:
            self.stdout.write(f"{t['name']}  [{t['category']}]  ({t['key']})")
            if t["parameters"]:
                values = ", ".join(f"{{{{{i}}}}}={n}" for i, n in enumerate(t["parameters"], 1))
                self.stdout.write(f"  values: {values}")
            for language, entry in t["languages"].items():
                if entry.get("header"):
                    self.stdout.write(f"  {language} header: {entry['header']}")
                self.stdout.write(f"  {language} body:   {entry['body']}")
                for button in entry.get("buttons", []):
                    target = button.get("url", button.get("otp_type", ""))
                    self.stdout.write(f"  {language} button: {button['type']} {target}")
            for warning in t["warnings"]:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
            self.stdout.write("")
        self.stdout.write(f"{len(listed)} templates")
