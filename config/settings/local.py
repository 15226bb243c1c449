"""Development: debug pages, console e-mail, a fixed development credentials key so `make run` needs no setup."""

from config.env import local_web_url
from config.settings.base import *  # noqa: F403
from config.settings.base import PAUTA_CREDENTIALS_KEY, PAUTA_LINK_ALLOW_HOSTS, PAUTA_PUBLIC_URL

DEBUG = True
PAUTA_CREDENTIALS_KEY = PAUTA_CREDENTIALS_KEY or "ZGV2LW9ubHktcGF1dGEtY3JlZGVudGlhbHMta2V5LTAwMDA="
# The demo publishes to the Bluesky server of tests/peers/bluesky and links to the app itself, both on this
# machine, which pre-flight and the adapters otherwise refuse (server-side request forgery guard).
PAUTA_LINK_ALLOW_HOSTS = PAUTA_LINK_ALLOW_HOSTS or ["127.0.0.1"]
PAUTA_PUBLIC_URL = PAUTA_PUBLIC_URL or local_web_url()
