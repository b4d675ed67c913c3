"""RESTCONF (RFC 8040) transport: client, JSON codec, reader for plan/verify, guarded apply."""
