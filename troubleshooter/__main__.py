"""`python -m troubleshooter`: see cli.py."""

from .cli import main

raise SystemExit(main())
