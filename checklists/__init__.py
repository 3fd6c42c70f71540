"""Checklist templates shipped with inspector (TOML data, read through importlib.resources)."""
