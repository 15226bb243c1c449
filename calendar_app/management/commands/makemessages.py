"""`makemessages` that also finds the plural sentences stored for later (`plural_message`)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=plural_message:1,2"]
