"""The URL paths rygbot serves. Free of Rasa and sanic, so `python -m bot chat`, the launcher and the
tests name them without loading the servers."""

from __future__ import annotations

CHANNEL_NAME = "rygbot"
HEALTH_PATH = f"/webhooks/{CHANNEL_NAME}/"
WEBHOOK_PATH = f"/webhooks/{CHANNEL_NAME}/webhook"
# Each region's lægevagt number, for the widget's tap-to-call banner.
REGIONS_PATH = f"/webhooks/{CHANNEL_NAME}/regions"
# The patient deletes their own conversation: every event of the sender id (the UUID is the secret).
DELETE_PATH = f"/webhooks/{CHANNEL_NAME}/delete"
WIDGET_JS_PATH = "/widget.js"
WIDGET_CSS_PATH = "/widget.css"
DEMO_PATH = "/demo"
# The clinic statistics (bot/stats/web.py): only with RYGBOT_STATS_TOKEN set and given.
STATS_PATH = "/stats"
