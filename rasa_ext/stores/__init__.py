"""Stores Rasa is configured with in endpoints.yml (`rasa_ext.stores.tracker.TrackerStore`)."""
