"""netconf."""
