"""Turn an uploaded or named document into text for the parser: .docx through python-docx (paragraphs, then
table cells), anything else as text in UTF-8, UTF-16 or GB18030. Binary or undecodable input is refused
with a reason; it never reaches the parser."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024


class UnreadableDocument(ValueError):
    pass


def read_document(source: Path | str | bytes, name: str = "") -> str:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableDocument(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"the document is larger than {MAX_BYTES // 1024 // 1024} MB")
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".docx"):
        return _docx(data)
    return _text(data)


def _docx(data: bytes) -> str:
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(f"not a readable .docx file ({exc})") from None
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise UnreadableDocument(f"not a readable .docx file ({exc.__class__.__name__})") from None
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" ".join(c.text for c in row.cells))
    return "\n".join(lines)


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for ch in text if ch < " " and ch not in "\n\r\t\f")
        if "\x00" in text or (text and bad / len(text) > 0.05):
            raise UnreadableDocument("this looks like a binary file, not a text or .docx document")
        return text
    raise UnreadableDocument("the text is neither UTF-8 nor GB18030")
