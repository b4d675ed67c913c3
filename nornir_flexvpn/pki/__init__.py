"""PKCS #12 bundles: inspection, delivery, import through the crypto RPC, pki-oper confirmation."""
