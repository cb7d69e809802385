"""The browser fixtures (`chromium`, `axe_source`, `browser_page`, `axe_check`) are in
`fixtures.py`, made available to the whole suite by tests/conftest.py: every app's browser
tests (tests/programmes, tests/intelligence...) share the one Chromium of their process."""
