"""The Spanish catalogue ships compiled (a fresh machine may have no GNU gettext), and the compiled file
must say what the source .po says."""

import gettext

import polib
import pytest
from django.test import override_settings
from django.utils import translation

from config.env import BASE_DIR

LOCALE = BASE_DIR / "locale" / "es" / "LC_MESSAGES"


def test_compiled_spanish_catalogue_matches_its_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    translated = [
        entry for entry in po if entry.translated() and not entry.obsolete and not entry.msgid_plural
    ]
    assert len(translated) > 50
    stale = [entry.msgid for entry in translated if compiled.gettext(entry.msgid) != entry.msgstr]
    assert stale == [], f"django.mo is out of date for: {stale[:5]} (run `make messages`)"


def test_spanish_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:10]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:10]}"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="en")
def test_login_page_speaks_spanish(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    with translation.override("es"):
        assert translation.gettext("Log in") in page
    assert "Log in" not in page
