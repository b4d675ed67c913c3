"""Plan, deploy and remove a headend's FlexVPN intent over NETCONF."""
