"""What an attached file may be: the kinds officials exchange (PDF, OFD, images, Word, Excel, WPS, zip), told by
their first bytes as well as their name, so a renamed program is refused. Pure: no Django here."""

from __future__ import annotations

from dataclasses import dataclass

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003, WPS
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    magic: tuple[bytes, ...]


KINDS: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf", (b"%PDF-",)),
    ".ofd": Kind("OFD", "application/ofd", _ZIP),
    ".jpg": Kind("JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": Kind("JPEG", "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": Kind("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".doc": Kind("Word", "application/msword", (_OLE,)),
    ".docx": Kind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xls": Kind("Excel", "application/vnd.ms-excel", (_OLE,)),
    ".xlsx": Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".wps": Kind("WPS", "application/vnd.ms-works", (_OLE,)),
    ".zip": Kind("ZIP", "application/zip", _ZIP),
}


def kind_of(name: str, head: bytes) -> Kind | None:
    """The kind of a file from its name's suffix, if its first bytes agree; None when it is not one we take."""
    dot = name.rfind(".")
    kind = KINDS.get(name[dot:].lower()) if dot >= 0 else None
    if kind is None or not any(head.startswith(m) for m in kind.magic):
        return None
    return kind


def accepted() -> str:
    """The suffixes, for the file input's `accept` and the messages."""
    return ",".join(KINDS)
