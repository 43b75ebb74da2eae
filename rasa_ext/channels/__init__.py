"""Our input channels, subclassing Rasa's so that credentials.yml names them by module path.

- `rasa_ext.channels.rest.RestInput` (URL `/webhooks/rest/webhook`)
- `rasa_ext.channels.socketio.SocketIOInput` (the widget, `/socket.io`)

Both apply the same inbound-message rules, in `rasa_ext.channels.messages`.
"""
