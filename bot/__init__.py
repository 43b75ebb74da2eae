"""Cap Jeunes 62: plain-Python core (never imports rasa, rasa_sdk or tensorflow)."""
