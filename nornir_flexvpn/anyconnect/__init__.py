"""AnyConnect client-side files: the client profile, the local policy, their export."""
