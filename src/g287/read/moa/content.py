"""A faster reader of page content streams, giving exactly what pypdf's parser gives.

pypdf parses content streams a byte at a time; on MOAs exported from Word (every
word wrapped in ``q re W* n Q BT ... ET``) that is most of the time of reading a PDF.
:func:`fast_operations` tokenizes the common part of the language with one regular
expression and builds the same pypdf objects (numbers, names, strings by pypdf's own
string readers, arrays), so pypdf's text extraction runs unchanged on them. Anything
less common (dictionaries, nested arrays, escaped names) is read by pypdf's own
object reader at that place; an inline image or a token pypdf would reject returns
None, and the caller leaves the whole stream to pypdf. The equality of the
two parsers is tested on every page of the bundled MOAs (tests/test_moa_content.py).
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    FloatObject,
    NameObject,
    NumberObject,
    read_hex_string_from_stream,
    read_string_from_stream,
)
from pypdf.generic._data_structures import read_object

_DELIMITER = rb"\s()<>\[\]{}/%"
_TOKEN = re.compile(
    rb"[\s\x00]*(?:"  # whitespace before each token, in the same match
    rb"(?P<num>[+\-.0-9]+)"
    rb"|(?P<op>[A-Za-z'\"][^" + _DELIMITER + rb"]*)"
    rb"|\((?P<plain>[^()\\]*)\)"
    rb"|(?P<name>/[^" + _DELIMITER + rb"]*)"
    rb"|(?P<open>\[)"
    rb"|(?P<close>\])"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<str>\()"
    rb"|(?P<hex><(?!<))"
    rb"|(?P<dict><<)"
    rb"|(?P<other>.)"
    rb")?",
    re.S,
)
_FORCED_ENCODING = "bytes"  # what pypdf's text extraction asks of ContentStream


def fast_operations(data: bytes) -> list[tuple[Any, bytes]] | None:
    """``[(operands, operator), ...]`` as ``ContentStream.operations``, or None."""
    stream = io.BytesIO(data)
    operations: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    array: list[Any] | None = None
    pos, end = 0, len(data)
    match = _TOKEN.match
    while pos < end:
        m = match(data, pos)
        if m is None:
            return None
        kind = m.lastgroup
        pos = m.end()
        if kind is None:  # whitespace at the end
            break
        token = m.group(kind)
        target = operands if array is None else array
        if kind == "comment":
            continue
        if kind == "num":
            if len(token) > 64:
                return None
            target.append(FloatObject(token) if b"." in token else NumberObject(token))
        elif kind == "name" and b"#" not in token and token.isascii():
            target.append(NameObject(token.decode("ascii")))
        elif kind == "plain":  # no escapes, no nested parentheses: the bytes as they are
            target.append(ByteStringObject(token))
        elif kind == "str" or kind == "hex":
            stream.seek(m.start(kind))
            if kind == "str":
                target.append(read_string_from_stream(stream, _FORCED_ENCODING))
            else:
                target.append(read_hex_string_from_stream(stream, _FORCED_ENCODING))
            pos = stream.tell()
        elif kind == "open" and array is None:
            array = []
        elif kind == "close":
            if array is None:
                return None
            operands.append(ArrayObject(array))
            array = None
        elif kind == "op":
            if array is not None or token == b"BI":
                return None  # inline images and operators inside arrays: pypdf
            operations.append((operands, token))
            operands = []
        else:  # a dictionary, a nested array, an escaped name ...: pypdf's own reader
            stream.seek(m.start(kind))
            try:
                target.append(read_object(stream, None, _FORCED_ENCODING))
            except Exception:
                return None
            pos = stream.tell()
    if array is not None:
        return None
    return operations


def prepared(content: Any, pdf: Any) -> ContentStream | None:
    """A ContentStream of ``content`` (a page's /Contents) already parsed by
    :func:`fast_operations`, or None to leave the stream to pypdf."""
    stream = ContentStream(content, pdf, _FORCED_ENCODING)
    operations = fast_operations(stream.get_data())
    if operations is None:
        return None
    stream.operations = operations
    return stream
