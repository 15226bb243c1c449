"""A Spanish workspace with its starter guide, one member per role, an outsider and a Mastodon channel."""

import pytest

from calendar_app.models import Role
from calendar_app.services.style_guide import style_guide_ensure
from tests.calendar_app.style_guide.sg_support import Brand
from tests.factories import ChannelFactory, UserFactory, WorkspaceFactory, member


@pytest.fixture
def brand(db) -> Brand:
    workspace = WorkspaceFactory(name="Cafetería Sol", slug="sol", language="es")
    style_guide_ensure(workspace=workspace)
    return Brand(
        workspace=workspace,
        admin=member(workspace, Role.ADMIN, "adan"),
        reviewer=member(workspace, Role.REVIEWER, "rita"),
        author=member(workspace, Role.AUTHOR, "ana"),
        viewer=member(workspace, Role.VIEWER, "vera"),
        outsider=UserFactory(username="otto"),
        mastodon=ChannelFactory(workspace=workspace, network="mastodon", display_name="Sol · Mastodon"),
    )
