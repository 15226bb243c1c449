"""Settings for worker and beat subprocesses started by tests: the test settings, plus the overrides the
starting test asked for (passed as JSON in PAUTA_TEST_SETTINGS), since those subprocesses cannot see
pytest's `settings` fixture."""

import json
import os
from datetime import timedelta

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BEAT_SCHEDULE

for _name, _value in json.loads(os.environ.get("PAUTA_TEST_SETTINGS", "{}")).items():
    globals()[_name] = _value

_beat_every = float(os.environ.get("PAUTA_TEST_BEAT_SECONDS", "0") or 0)
if _beat_every:
    CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": timedelta(seconds=_beat_every)}
        for name, entry in CELERY_BEAT_SCHEDULE.items()
    }
