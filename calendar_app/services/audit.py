from calendar_app.models import AuditEntry


def audit_record(
    *,
    workspace,
    action: str,
    actor=None,
    post=None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    details: dict | None = None,
    preflight_report=None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        workspace=workspace,
        post=post,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        details=details or {},
        preflight_report=preflight_report,
    )
