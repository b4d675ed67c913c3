"""Native YANG XML back to IOS configuration text, one module per area.

`nornir_flexvpn.payload.render_cli` is the entry point; these modules hold
the readers (`xmlread`), the block model and ordering (`blocks`) and one
renderer per configuration area.
"""
