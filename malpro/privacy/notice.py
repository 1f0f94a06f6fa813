"""The privacy notice (Pemberitahuan Privasi): one template per version. A new version is a
new template and a new NOTICE_VERSION; consents keep the version the person accepted."""

NOTICE_VERSION = "2026-11"
TEMPLATES = {"2026-11": "privacy/notice_2026_11.html"}


def template_for(version: str = NOTICE_VERSION) -> str:
    return TEMPLATES[version]
