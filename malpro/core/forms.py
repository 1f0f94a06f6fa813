from django import forms

from malpro.core.exceptions import ApplicationError


def apply_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Shows a service's error on the form: field errors on their fields, the rest on top."""
    fields = exc.extra.get("fields", {})
    shown = False
    for field, message in fields.items():
        if field in form.fields:
            form.add_error(field, message)
            shown = True
    if not shown:
        form.add_error(None, exc.message)
