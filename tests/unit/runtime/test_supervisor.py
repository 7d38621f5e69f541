"""What the supervisor hands Rasa at start-up: the channel credentials for this run."""

from __future__ import annotations

import yaml

from bot.config.settings import SlackSettings
from bot.runtime import supervisor


def test_runtime_credentials_add_the_slack_channel_only_when_configured(tmp_path, monkeypatch):
    monkeypatch.setattr(supervisor, "VAR_DIR", tmp_path)
    off = supervisor.runtime_credentials(5999, SlackSettings())
    assert off == supervisor.PROJECT_ROOT / "credentials.yml"
    on = supervisor.runtime_credentials(5999, SlackSettings(bot_token="xoxb-secret", signing_secret="shh"))
    assert on == tmp_path / "credentials.runtime-5999.yml"
    data = yaml.safe_load(on.read_text())
    assert "channels.rest.ValidatingRestInput" in data and "channels.slack.SlackInput" in data
    assert "xoxb-secret" not in on.read_text() and "shh" not in on.read_text(), "no secrets on disk"
