"""gunicorn reads this file from the working directory. Access lines carry the path without
its query string (%(U)s, not %(r)s) and no referrer: a query string or a referring page may
hold personal data, and identifiers never belong in an access log (UU 27/2022; docs/privacy.md).
The lines themselves go through Django's LOGGING (gunicorn.access), which redacts once more."""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
