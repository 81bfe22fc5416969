"""rygbot's custom actions for rasa_sdk's action server.

The action server imports this package when it starts; the texts, the regions and the red-flag
catalogue are loaded here, so the first patient does not wait for them (about 0.1 s).
"""

from actions.common import warm_up

warm_up()
