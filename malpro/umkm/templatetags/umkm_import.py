from django import template

from malpro.umkm import importer

register = template.Library()


@register.filter
def import_column(column):
    """{{ issue.column|import_column }} -> "Nama usaha" for nama_usaha (a file's own header
    comes back unchanged)."""
    return importer.column_label(column or "")
