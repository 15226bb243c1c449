"""Pre-flight: every link resolves, the channel is the brand's account, the approval still holds, no
style errors, media fit, publishing not paused. See `run` for when it runs and what a failure does."""

from scheduler.services.preflight.run import (
    deferred_checks,
    preflight_evaluate,
    preflight_hold,
    preflight_judge,
    preflight_notify_failure,
    preflight_on_demand,
    preflight_raise_flags,
    preflight_scheduled,
)

__all__ = [
    "deferred_checks",
    "preflight_evaluate",
    "preflight_hold",
    "preflight_judge",
    "preflight_notify_failure",
    "preflight_on_demand",
    "preflight_raise_flags",
    "preflight_scheduled",
]
