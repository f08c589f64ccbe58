"""The live overlay for the stream (OBS browser source) and the public report verification page."""
