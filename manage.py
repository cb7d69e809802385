#!/usr/bin/env python
"""Django's command-line utility; `datasud` (datasud/cli.py) is the same thing, installed."""
import sys

from datasud.cli import main

if __name__ == "__main__":
    sys.exit(main())
