"""Files on the headend: bootflash URLs and verified, idempotent delivery."""
