"""Code that plugs into Rasa: our input channels (`channels/`), stores (`stores/`) and NLU components (`nlu/`).

This package may import `rasa` and `bot`; `bot/` never imports it.
"""
