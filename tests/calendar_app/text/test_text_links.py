"""Link extraction: what a reader would click, with exact spans into the original text."""

import pytest

from calendar_app.text.links import extract_links


def _urls(text):
    links = extract_links(text)
    for link in links:
        assert text[link.start : link.end] == link.url
    return [link.url for link in links]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mira https://example.com.", ["https://example.com"]),
        ("Mira https://example.com, y más", ["https://example.com"]),
        ("¿Viste https://example.com/a?", ["https://example.com/a"]),
        ("¡Entra en https://example.com/oferta!", ["https://example.com/oferta"]),
        ("Read https://example.com/a;", ["https://example.com/a"]),
        ("Read https://example.com/a:", ["https://example.com/a"]),
        ('He said "https://example.com/q"', ["https://example.com/q"]),
        ("Dijo «https://example.com/q»", ["https://example.com/q"]),
        ("“https://example.com/q”", ["https://example.com/q"]),
        ("Lee https://example.com/post…", ["https://example.com/post"]),
        ("https://example.com/?q=año&x=1#top!", ["https://example.com/?q=año&x=1#top"]),
    ],
)
def test_trailing_punctuation_is_not_part_of_the_link(text, expected):
    assert _urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://en.wikipedia.org/wiki/Foo_(bar) now", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("(see https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("(más en https://example.com/a).", ["https://example.com/a"]),
        ("[https://example.com/a]", ["https://example.com/a"]),
        ("https://example.com/a_(b)_(c).", ["https://example.com/a_(b)_(c)"]),
    ],
)
def test_parentheses_kept_only_when_balanced(text, expected):
    assert _urls(text) == expected


def test_bare_www_links_are_normalized_to_https():
    (link,) = extract_links("Visítanos en www.PautaCo.example/Tienda.")
    assert link.url == "www.PautaCo.example/Tienda"
    assert link.normalized == "https://www.pautaco.example/Tienda"
    assert link.host == "www.pautaco.example"
    assert link.has_scheme is False


def test_scheme_and_host_are_lowercased_but_path_kept():
    (link,) = extract_links("HTTPS://EXAMPLE.COM/Path?Q=1")
    assert link.normalized == "https://example.com/Path?Q=1"


def test_idn_host_shown_as_written_and_punycoded_for_the_checker():
    text = "Web: https://ñandú.es/menú y www.münchen.de"
    first, second = extract_links(text)
    assert first.url == "https://ñandú.es/menú"
    assert first.host == "xn--and-6ma2c.es"
    assert first.normalized == "https://xn--and-6ma2c.es/menú"
    assert second.host == "www.xn--mnchen-3ya.de"


def test_invalid_host_is_kept_but_flagged_with_no_ascii_host():
    (link,) = extract_links("https://bad_host.example/x")
    assert link.host is None


def test_email_addresses_are_not_links():
    assert _urls("Escríbenos a ana@example.com o ana@www.example.com") == []


def test_links_glued_to_words_are_not_links():
    assert _urls("xhttps://example.com and https://ok.example") == ["https://ok.example"]


def test_ports_userinfo_ipv6_and_private_hosts_are_extracted_for_the_checker_to_judge():
    text = "http://localhost:8000/x https://user@host.example:8443/p http://[::1]:80/ http://10.0.0.1/"
    links = extract_links(text)
    assert [link.host for link in links] == ["localhost", "host.example", "[::1]", "10.0.0.1"]
    assert links[0].normalized == "http://localhost:8000/x"
    assert links[1].normalized == "https://user@host.example:8443/p"


def test_emoji_and_zero_width_space_end_a_link():
    assert _urls("https://example.com👍 y https://example.org\u200bfin") == [
        "https://example.com",
        "https://example.org",
    ]


def test_spans_are_exact_after_emoji_and_combining_accents():
    text = "👩‍👩‍👧 Cafe\u0301 ¿ya? https://example.com/ñ!"
    (link,) = extract_links(text)
    assert text[link.start : link.end] == "https://example.com/ñ"
    assert link.start == text.index("https")


def test_several_links_in_order_and_none_in_plain_text():
    assert _urls("a https://a.example b www.b.example c http://c.example/x.") == [
        "https://a.example",
        "www.b.example",
        "http://c.example/x",
    ]
    assert _urls("Sin enlaces aquí: solo texto, www y https.") == []
    assert _urls("https:// nothing") == []
