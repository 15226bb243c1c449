"""Fixtures for the editorial workflow tests: one workspace with a member of every role and two channels."""

import pytest

from calendar_app.models import Role
from scheduler.models import Network
from tests.calendar_app.workflow.wf_support import Team
from tests.factories import ChannelFactory, WorkspaceFactory, member


def _team(workspace, **channel_fields) -> Team:
    return Team(
        workspace=workspace,
        author=member(workspace, Role.AUTHOR),
        other_author=member(workspace, Role.AUTHOR),
        reviewer=member(workspace, Role.REVIEWER),
        reviewer2=member(workspace, Role.REVIEWER),
        admin=member(workspace, Role.ADMIN),
        viewer=member(workspace, Role.VIEWER),
        mastodon=ChannelFactory(
            workspace=workspace, network=Network.MASTODON, **channel_fields.get("mastodon", {})
        ),
        bluesky=ChannelFactory(
            workspace=workspace, network=Network.BLUESKY, **channel_fields.get("bluesky", {})
        ),
    )


@pytest.fixture
def team(db) -> Team:
    return _team(
        WorkspaceFactory(timezone="Europe/Madrid"),
        mastodon={"display_name": "Brand Mastodon"},
        bluesky={"display_name": "Brand Bluesky", "config": {"service_url": "http://127.0.0.1:9"}},
    )


@pytest.fixture
def other_team(db) -> Team:
    """A second workspace whose members must never see the first one's posts (and vice versa)."""
    return _team(WorkspaceFactory())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
