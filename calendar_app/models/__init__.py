from calendar_app.models.audit import AuditEntry
from calendar_app.models.notifications import Notification
from calendar_app.models.posts import Approval, Campaign, Comment, Post, PostMedia, PostStatus, Revision, Tag
from calendar_app.models.style import StyleGuide, StyleRule
from calendar_app.models.workspace import CalendarFeedToken, Membership, Role, UserPreference, Workspace

__all__ = [
    "Approval",
    "AuditEntry",
    "CalendarFeedToken",
    "Campaign",
    "Comment",
    "Membership",
    "Notification",
    "Post",
    "PostMedia",
    "PostStatus",
    "Revision",
    "Role",
    "StyleGuide",
    "StyleRule",
    "Tag",
    "UserPreference",
    "Workspace",
]
