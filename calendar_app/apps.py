from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarAppConfig(AppConfig):
    name = "calendar_app"
    verbose_name = _("Editorial calendar")
    default_auto_field = "django.db.models.BigAutoField"
