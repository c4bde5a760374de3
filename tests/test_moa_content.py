"""g287.read.moa.content parses content streams exactly as pypdf does, only faster."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, FloatObject, NameObject, NumberObject

from g287.read.moa.content import fast_operations
from g287.sample import moa_dir

PDFS = sorted(moa_dir().glob("*.pdf"))


def _same(mine: list, theirs: list) -> bool:
    return len(mine) == len(theirs) and all(
        a[1] == b[1]
        and len(a[0]) == len(b[0])
        and all(type(x) is type(y) and x == y for x, y in zip(a[0], b[0], strict=True))
        for a, b in zip(mine, theirs, strict=True)
    )


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name[:24])
def test_every_page_of_the_real_moas_parses_as_pypdf_parses_it(path: Path) -> None:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        mine = fast_operations(contents.get_data())
        assert mine is not None
        assert _same(mine, ContentStream(contents, reader, "bytes").operations)


def test_tokens() -> None:
    data = (
        b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm (plain) Tj (esc\\)aped (nested)) Tj <48 65 6C> Tj "
        b"[(A) -250 (B)] TJ /P <</MCID 3>> BDC EMC % a comment\n ET T* (x) ' \n"
    )
    ops = fast_operations(data)
    assert ops is not None
    assert [op for _, op in ops] == [
        b"BT", b"Tf", b"Tm", b"Tj", b"Tj", b"Tj", b"TJ", b"BDC", b"EMC", b"ET", b"T*", b"'",
    ]  # fmt: skip
    assert ops[1][0] == [NameObject("/F1"), NumberObject(12)]
    assert ops[2][0][4:] == [FloatObject("72.5"), FloatObject("-.5")]
    assert ops[3][0] == [ByteStringObject(b"plain")]
    assert ops[4][0] == [ByteStringObject(b"esc)aped (nested)")]
    assert ops[5][0] == [ByteStringObject(b"Hel")]
    assert ops[7][0][1] == {"/MCID": 3}
    fake = ContentStream(None, None, "bytes")  # as pypdf's text extraction asks
    fake.set_data(data)
    assert _same(ops, fake.operations)


def test_what_it_cannot_read_it_leaves_to_pypdf() -> None:
    assert fast_operations(b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q") is None  # inline image
    assert fast_operations(b"[(A) 1 Tj]") is None  # an operator inside an array
    assert fast_operations(b"[(A) 1") is None  # an array never closed
