from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from calendar_app.services.demo import demo_logins_text, seed_demo
from scheduler.services.demo import demo_bluesky_text


class Command(BaseCommand):
    help = "Create the demo workspace, users, channels and posts (safe to run again)."

    def handle(self, *args, **options):
        # The demo walks its posts through the real workflow, which notifies by e-mail; the demo users'
        # addresses are made up, so nothing is sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = seed_demo()
        verb = "Created" if result["created"] else "Already there:"
        self.stdout.write(self.style.SUCCESS(f"{verb} workspace “{result['workspace'].name}”."))
        self.stdout.write(demo_logins_text())
        self.stdout.write(demo_bluesky_text(workspace=result["workspace"]))
