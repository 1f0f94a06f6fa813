from django.core.files.storage import storages


def private_storage():
    """Files with personal data: never under MEDIA_URL, served by views that check access."""
    return storages["private"]
