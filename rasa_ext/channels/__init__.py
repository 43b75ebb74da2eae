"""Our input channels, subclassing Rasa's so that credentials.yml names them by module path.

- `rasa_ext.channels.rest.RestInput` (URL `/webhooks/rest/webhook`)
- `rasa_ext.channels.socketio.SocketIOInput` (the widget, `/socket.io`)
- `rasa_ext.channels.meta.MetaInput` (Messenger and Instagram, `/webhooks/meta/webhook`)
- `rasa_ext.channels.health.HealthInput` (probes, `/webhooks/health/`)

The conversation channels apply the same inbound-message rules, in `rasa_ext.channels.messages`.
"""

from rasa_ext import action_client, action_results, event_types

# Every Rasa server loads this package (credentials.yml): its remote actions validate the action
# server's answers with validators built once (rasa_ext/action_results.py) and call it through
# one kept-alive session (rasa_ext/action_client.py); events read from the store find their class
# in a table (rasa_ext/event_types.py).
action_results.install()
action_client.install()
event_types.install()
