"""Thin rasa-sdk actions: slots in, one call into bot/, messages and events out.

`rasa run actions --actions actions` registers every Action subclass of this package.
"""
