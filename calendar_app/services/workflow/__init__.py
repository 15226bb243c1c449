"""The only module that changes `Post.status`. Every move goes through `TRANSITIONS`, inside a transaction,
on a row locked with SELECT … FOR UPDATE (on SQLite, IMMEDIATE transactions serialise writers), and
writes an audit entry. Illegal moves raise `TransitionError`, which the UI shows and the API answers with 409.
"""

from calendar_app.services.workflow.core import (
    ACTION_LABELS,
    EDITABLE,
    PLANNED,
    TRANSITIONS,
    Transition,
    current_approvals,
    current_approvals_of,
    post_content_changed,
    post_system_transition,
    posts_system_transition,
    user_can_review,
)
from calendar_app.services.workflow.review import post_approve, post_request_changes, post_submit
from calendar_app.services.workflow.scheduling import (
    post_cancel,
    post_publish_now,
    post_reschedule,
    post_retry,
)

__all__ = [
    "ACTION_LABELS",
    "EDITABLE",
    "PLANNED",
    "TRANSITIONS",
    "Transition",
    "current_approvals",
    "current_approvals_of",
    "post_approve",
    "post_cancel",
    "post_content_changed",
    "post_publish_now",
    "post_request_changes",
    "post_reschedule",
    "post_retry",
    "post_submit",
    "post_system_transition",
    "posts_system_transition",
    "user_can_review",
]
