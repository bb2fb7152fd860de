"""`makemessages` that also reads `_l("…")`: the code imports `gettext_lazy as _l` beside `gettext as _`, and
xgettext only knows the standard names — a string marked `_l` alone never reached the catalogue and showed in
English."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
