"""Development: debug pages, console e-mail, a fixed development credentials key so `make run` needs no setup."""

from config.settings.base import *  # noqa: F403
from config.settings.base import PAUTA_CREDENTIALS_KEY

DEBUG = True
PAUTA_CREDENTIALS_KEY = PAUTA_CREDENTIALS_KEY or "ZGV2LW9ubHktcGF1dGEtY3JlZGVudGlhbHMta2V5LTAwMDA="
