"""Prescription sheets ("fiches de prescription"): fields, validation, storage, PDF and CSV exports.

The chat collects the fields (`fields`, `validation`), shows the privacy notice first (`notice`),
and saves through `repository.SheetRepository`. Nothing is read or connected at import time.
"""
