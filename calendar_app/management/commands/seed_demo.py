from django.core.management.base import BaseCommand

from calendar_app.services.demo import demo_logins_text, seed_demo


class Command(BaseCommand):
    help = "Create the demo workspace, users, channels and posts (safe to run again)."

    def handle(self, *args, **options):
        result = seed_demo()
        verb = "Created" if result["created"] else "Already there:"
        self.stdout.write(self.style.SUCCESS(f"{verb} workspace “{result['workspace'].name}”."))
        self.stdout.write(demo_logins_text())
