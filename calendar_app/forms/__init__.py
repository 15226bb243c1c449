from calendar_app.forms.comments import CommentForm
from calendar_app.forms.posts import PostForm
from calendar_app.forms.review import ApproveForm, CancelForm, RequestChangesForm, RescheduleForm

__all__ = ["ApproveForm", "CancelForm", "CommentForm", "PostForm", "RequestChangesForm", "RescheduleForm"]
