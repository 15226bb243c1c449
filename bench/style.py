"""Style-guide linting throughput: a 200-rule guide over 10,000 posts in Spanish and English.

Run with ``python bench/style.py`` from the repository root. The process is pinned to one CPU
core where the platform allows it. Prints the compile time, posts per second and the median and
99th-percentile time per post. The goal is at least 5,000 posts per second.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calendar_app.styleguide import compile_guide, starter_rules, validate_rules  # noqa: E402

POSTS = 10_000
RULES = 200
SEED = 20240501

ES_WORDS = (
    "hoy mañana lanzamos nueva colección otoño diseño sostenible equipo comunidad gracias por "
    "vuestro apoyo evento taller inscripción abierta plazas limitadas café España ciudad niños "
    "año próximo pequeño cambio información página descubre cómo qué dónde también además porque "
    "servicio atención cliente envío pedido tienda producto calidad precio descuento oferta "
    "semana fin de semana verano invierno música cultura acción educación corazón camión"
).split()
EN_WORDS = (
    "today tomorrow we launch new autumn collection sustainable design team community thanks for "
    "your support event workshop registration open limited places coffee city children year next "
    "small change information page discover how what where also because service customer care "
    "shipping order store product quality price discount offer week weekend summer winter music "
    "culture naïve café résumé"
).split()
EMOJI = ["🎉", "👩‍👩‍👧", "🇪🇸", "👍🏽", "☕", "❤️", "✨", "1️⃣"]
LINKS = ["https://pautaco.example/otoño", "www.ejemplo.es/ruta", "https://en.wikipedia.org/wiki/Foo_(bar)"]
OPENERS_ES = ["¿Sabías que", "¡Atención!", "Hoy", "Por fin", "Nuevo:"]
OPENERS_EN = ["Did you know", "Heads up!", "Today", "Finally", "New:"]


def _term(rng: random.Random, words: list[str]) -> str:
    """A banned word or phrase: built from post vocabulary, but rarely written as such."""
    if rng.random() < 0.3:
        return " ".join(rng.sample(words, 3))
    return rng.choice(words) + rng.choice(["azo", "ísimo", "ismo", "illo", "ish", "ness", "ful"])


def build_guide(rng: random.Random) -> list[dict]:
    rules: list[dict] = [rule.as_dict() for rule in starter_rules("es")]
    rules += [r.as_dict() for r in starter_rules("en") if r.kind not in ("readability", "length", "media")]
    patterns = [
        r"\b\d{1,2}\s?% de descuento\b",
        r"(?:oferta|promo)\s+(?:limitada|exclusiva)",
        r"\b[A-Z]{8,}\b",
        r"\$\d+(?:\.\d{2})?",
        r"\b(?:\d{3}[\s.-]?){2}\d{3}\b",
        r"(?:compra|buy)\s+(?:ya|now)",
        r"\bgratis\b",
        r"\b(?:último|last)\s+(?:día|day)",
    ]
    brands = ["PautaCo", "WhatsApp", "YouTube", "LinkedIn", "TikTok", "iPhone", "PlayStation", "McDonald's"]
    for pattern in patterns:
        params = {"pattern": pattern, "ignore_case": not any(ch.isupper() for ch in pattern)}
        rules.append({"kind": "existence", "level": "warning", "message": pattern, "params": params})
    rules.append(
        {"kind": "capitalization", "level": "warning", "message": "Brands", "params": {"terms": brands}}
    )
    for what in ("mentions", "emojis"):
        rules.append(
            {"kind": "occurrence", "level": "suggestion", "message": what, "params": {"what": what, "max": 4}}
        )
    rules.append({"kind": "length", "level": "warning", "message": "Too short", "params": {"min": 20}})
    kinds = ["existence", "existence", "existence", "substitution", "tone", "conditional"]
    while len(rules) < RULES:
        kind = rng.choice(kinds)
        words = ES_WORDS if len(rules) % 2 else EN_WORDS
        rule = {
            "kind": kind,
            "level": rng.choice(["error", "warning", "suggestion"]),
            "message": f"Rule {len(rules)}",
        }
        if kind in ("existence", "tone"):
            rule["params"] = {"words": list({_term(rng, words) for _ in range(rng.randint(5, 20))})}
        elif kind == "substitution":
            rule["params"] = {"replace": {_term(rng, words): rng.choice(words) for _ in range(5)}}
        else:
            rule["params"] = {"if_words": [f"#{rng.choice(words)}"], "then_words": [_term(rng, words)]}
        rules.append(rule)
    return rules[:RULES]


def build_post(rng: random.Random) -> str:
    spanish = rng.random() < 0.5
    words = ES_WORDS if spanish else EN_WORDS
    parts = [rng.choice(OPENERS_ES if spanish else OPENERS_EN)]
    target = rng.randint(100, 500)
    while sum(len(p) + 1 for p in parts) < target:
        roll = rng.random()
        if roll < 0.04:
            parts.append(rng.choice(EMOJI))
        elif roll < 0.07:
            parts.append("#" + rng.choice(words))
        elif roll < 0.08:
            parts.append(rng.choice(LINKS))
        elif roll < 0.09:
            parts.append("@pautaco@mastodon.social")
        elif roll < 0.14:
            parts.append(rng.choice(words).capitalize() + rng.choice([".", ",", "!", "?"]))
        elif roll < 0.15:
            parts.append(
                rng.choice(["gratis", "PAUTACO", "Pautaco", "e-mail", "haz clic aquí", "click here"])
            )
        else:
            parts.append(rng.choice(words))
    return " ".join(parts)[:target]


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(SEED)
    started = time.perf_counter()
    specs = validate_rules(build_guide(rng))
    validated = time.perf_counter()
    guide = compile_guide(specs, language="es")
    compiled = time.perf_counter()
    posts = [build_post(rng) for _ in range(POSTS)]
    networks = ["mastodon", "bluesky", None]
    media = [{"alt_text": "Foto del equipo en el taller"}]
    timings = []
    findings = 0
    run_started = time.perf_counter()
    cpu_started = time.process_time()
    for position, post in enumerate(posts):
        t0 = time.perf_counter()
        findings += len(guide.lint(post, network=networks[position % 3], media=media))
        timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - run_started
    cpu = time.process_time() - cpu_started
    timings.sort()
    p99 = timings[int(len(timings) * 0.99)]
    print(f"rules: {len(specs)}  posts: {len(posts)}  findings: {findings}")
    print(f"validate: {(validated - started) * 1000:.0f} ms  compile: {(compiled - validated) * 1000:.0f} ms")
    print(f"posts/s: {len(posts) / elapsed:,.0f} (wall clock)  {len(posts) / cpu:,.0f} (CPU time)")
    print(f"median ms/post: {statistics.median(timings) * 1000:.3f}  p99 ms/post: {p99 * 1000:.3f}")


if __name__ == "__main__":
    main()
