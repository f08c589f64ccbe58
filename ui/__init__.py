"""PySide6 desktop app. Talks to `station` through its public API and events only."""
