"""The rig's simulator twin: firmware logic, fault injection, rigsim:// port and pty server."""
