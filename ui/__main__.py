"""`python -m ui`: the desktop app (what `station app` runs)."""

from ui.app import main

raise SystemExit(main())
