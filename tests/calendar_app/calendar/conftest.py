"""A Madrid workspace with two channels and one member per role."""

import pytest

from calendar_app.models import Role
from scheduler.models import Network
from tests.factories import ChannelFactory, WorkspaceFactory, member


@pytest.fixture
def brand():
    workspace = WorkspaceFactory(name="Cafetería Sol", slug="sol", timezone="Europe/Madrid")
    workspace.mastodon = ChannelFactory(
        workspace=workspace, network=Network.MASTODON, display_name="Sol · Mastodon"
    )
    workspace.bluesky = ChannelFactory(
        workspace=workspace, network=Network.BLUESKY, display_name="Sol · Bluesky"
    )
    workspace.author = member(workspace, Role.AUTHOR, "ana")
    workspace.reviewer = member(workspace, Role.REVIEWER, "rita")
    workspace.admin = member(workspace, Role.ADMIN, "adan")
    workspace.viewer = member(workspace, Role.VIEWER, "vera")
    return workspace
