"""Code that plugs into Rasa: our input channels (`channels/`) and stores (`stores/`).

This package may import `rasa` and `bot`; `bot/` never imports it.
"""
