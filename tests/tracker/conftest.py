"""The tracker tests share the session-wide `browser` and `site` fixtures of tests/conftest.py."""
