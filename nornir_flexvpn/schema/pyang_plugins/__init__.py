"""pyang plugins (loaded by pyang through --plugindir, not imported by the package)."""
