"""Device file URLs: `bootflash:x`, `bootflash:/x`, `flash:x` -> the SFTP path `x`.

IOS-XE's SFTP/SCP server lands in bootflash:, so a bootflash URL's path is
the remote path. Other file systems (harddisk:, nvram:, usb...) are refused:
the configuration this tool writes only names bootflash.
"""

from __future__ import annotations

from nornir_flexvpn.errors import TransferError

_SCHEMES = ("bootflash:", "flash:")


def bootflash_name(url: str) -> str:
    """The file's path below bootflash:, without a leading slash."""
    lowered = url.strip().lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            name = url.strip()[len(scheme) :].lstrip("/")
            break
    else:
        raise TransferError(
            "only bootflash: (or flash:) URLs can be delivered to the headend", path=url
        )
    if not name or ".." in name.split("/") or "\x00" in name:
        raise TransferError("the URL names no file on bootflash", path=url)
    return name


def bootflash_url(name: str) -> str:
    return f"bootflash:/{name}"
