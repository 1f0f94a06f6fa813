from contextlib import nullcontext

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from malpro.core.exceptions import ApplicationError
from malpro.umkm.importer import umkm_import
from malpro.umkm.models import ImportJob


def progress_key(job_id: int) -> str:
    return f"umkm-import-progress:{job_id}"


@shared_task(name="umkm.run_import")
def run_import(job_id: int) -> str:
    """Runs an uploaded import. Progress goes to the cache (shared by every app server), since
    the rows themselves are written in one transaction that others cannot see until it ends."""
    job = ImportJob.objects.select_related("agency", "created_by").get(pk=job_id)
    if job.state not in (ImportJob.State.UPLOADED,):
        return job.state
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)

    def progress(done, total):
        cache.set(progress_key(job.pk), {"done": done, "total": total or 0}, 3600)

    try:
        # Rows kept at upload are read from the database; older jobs read their file.
        with nullcontext() if job.row_count is not None else job.file.open("rb") as handle:
            result = umkm_import(
                source=handle,
                filename=job.original_name,
                agency_code=job.agency.code if job.agency else None,
                actor=job.created_by,
                dry_run=job.dry_run,
                header_map=job.header_map,
                progress=progress,
                job=job,
            )
    except ApplicationError as exc:
        job.state, job.message = ImportJob.State.FAILED, exc.message[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "message", "finished_at"])
        return job.state
    job.state = ImportJob.State.DONE
    job.total_rows = result.total
    job.created, job.updated = result.created, result.updated
    job.unchanged, job.rejected = result.unchanged, result.rejected
    job.issues = [i.as_dict() for i in result.issues]
    job.finished_at = timezone.now()
    job.save()
    return job.state


@shared_task(name="umkm.purge_import_rows")
def purge_import_rows(keep_days: int = 30) -> int:
    """Parsed rows of uploads never imported for real (a dry run, then nothing) are deleted
    `keep_days` after the upload: they hold NIKs and phones (docs/privacy.md)."""
    from datetime import timedelta

    from malpro.umkm.models import ImportRows

    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = ImportRows.objects.filter(job__created_at__lt=cutoff).delete()
    return deleted
