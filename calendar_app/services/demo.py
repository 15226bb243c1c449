"""The demo workspace `make run` seeds, so the calendar is never empty on first run. Idempotent: a second run
changes nothing, and the demo password is kept in var/ so it can be printed again."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from calendar_app.models import Campaign, Membership, Post, Role, Tag, Workspace
from calendar_app.services import posts as post_services
from calendar_app.services import workflow
from config.env import VAR_DIR, env_str

DEMO_USERS = (
    ("author", Role.AUTHOR),
    ("reviewer", Role.REVIEWER),
    ("admin", Role.ADMIN),
    ("viewer", Role.VIEWER),
)
PASSWORD_FILE = VAR_DIR / "demo-password.txt"


def demo_password() -> str:
    configured = env_str("PAUTA_DEMO_PASSWORD")
    if configured:
        return configured
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    password = "demo-" + secrets.token_urlsafe(9)
    PASSWORD_FILE.write_text(password + "\n")
    return password


def demo_logins_text() -> str:
    password = demo_password()
    names = ", ".join(name for name, _role in DEMO_USERS)
    return f"Demo logins: {names} — password: {password}"


def _users(password: str) -> dict:
    user_model = get_user_model()
    users = {}
    for name, _role in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=name, defaults={"email": f"{name}@demo.pauta.test"}
        )
        if created:
            user.set_password(password)
            user.is_staff = name == "admin"
            user.is_superuser = name == "admin"
            user.save()
        users[name] = user
    return users


@transaction.atomic
def seed_demo() -> dict:
    """Returns what it created: {"created": bool, "workspace": Workspace}."""
    password = demo_password()
    users = _users(password)
    workspace, created = Workspace.objects.get_or_create(
        slug="demo", defaults={"name": "Demo", "timezone": "Europe/Madrid", "language": "es"}
    )
    for name, role in DEMO_USERS:
        Membership.objects.get_or_create(user=users[name], workspace=workspace, defaults={"role": role})
    if created:
        _seed_content(workspace, users)
    return {"created": created, "workspace": workspace}


def _seed_content(workspace: Workspace, users: dict) -> None:
    from calendar_app.services.style_guide import style_guide_ensure
    from scheduler.services.demo import demo_channels

    style_guide_ensure(workspace=workspace)
    channels = demo_channels(workspace=workspace, admin=users["admin"])
    campaign = Campaign.objects.create(workspace=workspace, name="Lanzamiento otoño", color="#b35c00")
    tag = Tag.objects.create(workspace=workspace, name="producto", color="#0d6efd")
    today = timezone.localtime(timezone.now(), workspace.tzinfo).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    month_start = today.replace(day=1)
    author, reviewer = users["author"], users["reviewer"]
    texts = [
        "Nuevo en el blog: cómo planificamos el calendario editorial de invierno https://example.org/blog/invierno",
        "¿Ya conoces nuestra guía de estilo? Te contamos cómo mantener el tono de marca en cada respuesta.",
        "Esta semana abrimos inscripciones para el taller de fotografía de producto. Plazas limitadas.",
        "Gracias a todas las personas que vinieron al encuentro de la comunidad. ¡Os esperamos en el próximo!",
        "Resumen del mes: 12 publicaciones, 3 campañas y cero enlaces rotos. Seguimos.",
        "Consejo del día: escribe el texto alternativo de cada imagen pensando en quien no la ve.",
        "Publicamos el informe anual de la comunidad. Léelo aquí: https://example.org/informe",
        "Hoy celebramos el aniversario de PautaCo con una sesión de preguntas y respuestas en directo.",
        "Abrimos convocatoria para colaboraciones con creadores locales. Escríbenos por mensaje directo.",
    ]
    plan = [
        "draft",
        "in_review",
        "changes_requested",
        "approved",
        "published",
        "failed",
        "unconfirmed",
        "cancelled",
        "approved",
    ]
    for index, (status, text) in enumerate(zip(plan, texts, strict=True)):
        day_offset = (index * 3) % 27
        moment = month_start + timedelta(days=day_offset, hours=index % 4)
        if status in ("draft", "in_review", "changes_requested", "approved", "cancelled") and moment < today:
            moment = today + timedelta(days=index + 1)
        if status in ("published", "failed", "unconfirmed") and moment > today:
            moment = today - timedelta(days=index)
        post = post_services.post_create(
            workspace=workspace,
            user=author,
            body=text,
            title="",
            scheduled_at=moment,
            channels=channels,
            tags=[tag] if index % 2 else [],
            campaign=campaign if index % 3 == 0 else None,
        )
        _bring_to(post, status, author=author, reviewer=reviewer)
    from scheduler.services.demo import demo_link_posts

    demo_link_posts(workspace=workspace, author=author, reviewer=reviewer, channels=channels)


def _bring_to(post: Post, status: str, *, author, reviewer) -> None:
    """Walk the post through the real workflow so its audit log tells a true story."""
    if status == "draft":
        return
    if status == "cancelled":
        workflow.post_cancel(post=post, user=author, comment="Duplicado de otra publicación.")
        return
    workflow.post_submit(post=post, user=author)
    if status == "in_review":
        return
    if status == "changes_requested":
        workflow.post_request_changes(
            post=post, user=reviewer, comment="¿Puedes añadir el enlace a la inscripción?"
        )
        return
    workflow.post_approve(post=post, user=reviewer, acknowledge_warnings=True)
    if status in ("published", "failed", "unconfirmed"):
        from scheduler.services.demo import demo_record_outcome

        demo_record_outcome(post=post, outcome=status)
