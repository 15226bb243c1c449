"""The journey's key pages, shown in Spanish, keep no English phrase of the interface (see spanish.py for
how English is told apart from the data, which is the same in both languages)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calendar_app.services.workflow import post_submit
from tests.e2e.journey.spanish import (
    catalogue_path,
    catalogue_phrases,
    page_texts,
    same_in_both,
    untranslated,
)
from tests.e2e.journey.support import FORBIDDEN, approved_post, plan_background
from tests.factories import make_post

pytestmark = [pytest.mark.e2e, pytest.mark.peer, pytest.mark.django_db(transaction=True)]


def write_with_findings(page) -> None:
    page.locator("textarea[name=body]").fill(f"Our {FORBIDDEN} lunch menu!!! Click here: www.example.org")
    expect(page.locator("[data-lint] mark").first).to_be_visible()


def test_key_pages_speak_spanish(team, links, open_as):
    now = timezone.now()
    plan_background(team, now=now)
    in_review = make_post(
        team.workspace,
        team.author,
        title="Opening party",
        body="Opening party this Saturday, with live music.",
        when=now + timedelta(days=1, hours=2),
        channels=[team.bluesky, team.mastodon],
    )
    post_submit(post=in_review, user=team.author)
    broken = approved_post(
        team,
        title="Winter terrace",
        body=f"Our winter terrace: {links.url('/missing')}",
        when=now + timedelta(hours=5),
    )
    pages = [
        ("login", None, "/login/", None),
        ("calendar month", team.author, team.url("calendar/?view=month"), None),
        ("calendar week", team.author, team.url("calendar/?view=week"), None),
        ("editor", team.author, team.url("posts/new/"), write_with_findings),
        ("post page", team.reviewer, team.url(f"posts/{in_review.pk}/"), None),
        ("post page with pre-flight report", team.author, team.url(f"posts/{broken.pk}/"), None),
        ("review queue", team.reviewer, team.url("review/"), None),
        ("next 24 hours", team.author, team.url("upcoming/"), None),
        ("style guide", team.admin, team.url("style-guide/"), None),
        ("notifications", team.author, "/notifications/", None),
    ]
    browsers = {}

    def read(user, path, action, locale):
        key = (user.pk if user else None, locale)
        if key not in browsers:
            browsers[key] = open_as(user or team.author, locale=locale, log_in=user is not None)
        page = browsers[key]
        page.goto(path)
        if action:
            action(page)
        return page

    # The run-on-demand report makes the post page show a pre-flight report, in the viewer's language.
    read(team.author, team.url(f"posts/{broken.pk}/publishing/"), None, "en-GB").get_by_role(
        "button", name="Run pre-flight now"
    ).click()

    leftovers = {}
    for label, user, path, action in pages:
        english = page_texts(read(user, path, action, "en-GB"))
        spanish_page = read(user, path, action, "es-ES")
        assert spanish_page.locator("html").get_attribute("lang") == "es", (
            f"{label} was not served in Spanish"
        )
        same = same_in_both(english, page_texts(spanish_page))
        if same:
            leftovers[label] = same

    path = catalogue_path()
    assert path.exists(), (
        f"no Spanish catalogue at {path}: run `make messages` and translate it. Texts still in English "
        f"(same in both languages): {leftovers}"
    )
    phrases = catalogue_phrases(path)
    english_left = {
        label: untranslated(texts, phrases)
        for label, texts in leftovers.items()
        if untranslated(texts, phrases)
    }
    report = "\n".join(
        f"[{label}] {text!r}  (msgid {msgid!r})"
        for label, found in english_left.items()
        for text, msgid in found
    )
    assert not english_left, f"English left on the Spanish pages:\n{report}"


def test_the_language_switcher_turns_the_page_spanish(team, open_as):
    visitor = open_as(team.author, log_in=False)
    visitor.goto("/login/")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    with visitor.expect_navigation():
        visitor.get_by_label("Language").select_option("es")
    expect(visitor.locator("html")).to_have_attribute("lang", "es")
    expect(visitor.locator("#footer-language")).to_have_value("es")
