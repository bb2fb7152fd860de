"""Moving a record's own file field onto the kernel's attachments (issue 14 §4), for data migrations.

Before attachments existed, a few records kept one file in a field of their own (an authorisation's scan, a 差评
case's evidence, a policy application's materials, a progress report's attachment), stored under /media/ with
nothing to serve them or check who may. A migration calls `move_to_attachments` with the historical models: each
non-empty file becomes an attachment of the record's target, keeping the stored file where it is (so nothing is
copied or lost), with its size and SHA-256 when the file is on disk; then the migration drops the field."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath


def move_to_attachments(apps, *, model: str, field: str, target: str, by: tuple[str, ...] = ()) -> int:
    """Turn every non-empty `field` of `model` ("app.Model") into an attachment of `target`. The uploader is the
    first of the record's user fields `by` that is set, else the first system administrator, else the first
    user. Returns how many files moved."""
    from django.core.files.storage import default_storage

    Model = apps.get_model(model)
    Attachment = apps.get_model("core", "Attachment")
    User = apps.get_model("core", "User")
    rows = Model.objects.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
    fallback = None
    made = []
    for row in rows.iterator():
        path = str(getattr(row, field))
        uploader = next((getattr(row, f"{f}_id") for f in by if getattr(row, f"{f}_id", None)), None)
        if uploader is None:
            if fallback is None:
                u = (
                    User.objects.filter(is_superuser=True).order_by("pk").first()
                    or User.objects.order_by("pk").first()
                )
                fallback = u.pk if u else None
            uploader = fallback
        if (
            uploader is None
        ):  # records with files but no user at all cannot exist; nothing to attribute them to
            continue
        size, digest = 0, hashlib.sha256()
        if default_storage.exists(path):
            with default_storage.open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
        made.append(
            Attachment(
                target=target,
                target_id=row.pk,
                file=path,
                name=PurePosixPath(path).name[:200],
                size=size,
                sha256=digest.hexdigest() if size else "",
                uploaded_by_id=uploader,
            )
        )
    Attachment.objects.bulk_create(made, batch_size=500)
    return len(made)
