"""One publication -> the bytes of an ICE-style ``.xlsx`` workbook.

The workbook is written directly as SpreadsheetML (no third-party writer), laid
out like ICE's Excel Online files: one sheet ``Sheet1``, header in row 1, shared
strings, SIGNED as date cells (or text when ICE typed it), ``#N/A`` COUNTY cells
as error cells (``t="e"``), MOA/ADDENDUM hyperlinks in the sheet relationships, an
autofilter (with a saved TFM filter and hidden rows when the list has one), empty
formatted columns before ADDENDUM existed, and trailing blank formatted rows.

Bytes are deterministic: zip members carry a fixed timestamp, document
properties come from the publication, and the XML is built in a fixed order.
Each distinct printed row is turned into an XML template once per process and
reused with its row number and shared-string indexes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from g287.simulate.model import (
    PART_HEADERS,
    PENDING_HEADERS,
    RUN_BREAK,
    Cells,
    ErrorValue,
    Publication,
)

EXCEL_EPOCH = date(1899, 12, 30)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CREATED = "2025-02-15T19:41:07Z"
AUTHOR = "Author, Original"
COMPRESSLEVEL = 3  # deflate level: 3 is as fast as 1 and 7% smaller; 6 is 2.5x slower
COLUMNS = "ABCDEFGHIJKLM"
TFM = "Task Force Model"
ROW_ATTRS = 'spans="1:{n}" ht="33.75" customHeight="1"'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK_TYPE = REL_NS + "/hyperlink"

# cellXfs in STYLES: 0 default, 1 header, 2 body text, 3 body date, 4 link text, 5 blank
S_HEADER, S_TEXT, S_DATE, S_LINK, S_BLANK = 1, 2, 3, 4, 5

_TEMPLATES: dict[tuple[Cells, bool, int], tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]
_TEMPLATES = {}


def _xml_text(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{escape(text)}</t>"


_SI: dict[str, str] = {}


def _si(text: str) -> str:
    found = _SI.get(text)
    if found is not None:
        return found
    if RUN_BREAK in text:
        runs = text.split(RUN_BREAK)
        xml = "<si>" + "".join(f"<r>{_xml_text(run)}</r>" for run in runs) + "</si>"
    else:
        xml = f"<si>{_xml_text(text)}</si>"
    if len(_SI) > 500_000:
        _SI.clear()
    _SI[text] = xml
    return xml


def _template(
    cells: Cells, hidden: bool, width: int
) -> tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A row's XML with ``{0}`` for its number and ``{1}``... for shared-string indexes."""
    key = (cells, hidden, width)
    found = _TEMPLATES.get(key)
    if found is not None:
        return found
    strings: list[str] = []
    links: list[tuple[str, str]] = []
    hide = ' hidden="1"' if hidden else ""
    parts = [f'<row r="{{0}}" {ROW_ATTRS.format(n=width)}{hide}>']

    def text_cell(col: str, text: str, style: int) -> str:
        strings.append(text)
        return f'<c r="{col}{{0}}" s="{style}" t="s"><v>{{{len(strings)}}}</v></c>'

    for col, value in zip(COLUMNS, cells, strict=False):
        if value is None:
            parts.append(f'<c r="{col}{{0}}" s="{S_TEXT}"/>')
        elif isinstance(value, ErrorValue):
            parts.append(f'<c r="{col}{{0}}" s="{S_TEXT}" t="e"><v>{escape(value)}</v></c>')
        elif isinstance(value, date):
            serial = (value - EXCEL_EPOCH).days
            parts.append(f'<c r="{col}{{0}}" s="{S_DATE}"><v>{serial}</v></c>')
        elif isinstance(value, tuple):
            text, url = value
            parts.append(text_cell(col, text, S_LINK))
            if url:
                links.append((col, escape(url, {'"': "&quot;"})))
        else:
            parts.append(text_cell(col, str(value), S_TEXT))
    parts.append("</row>")
    if len(_TEMPLATES) > 500_000:
        _TEMPLATES.clear()
    result = ("".join(parts), tuple(strings), tuple(links))
    _TEMPLATES[key] = result
    return result


def _blank_row(r: int, width: int) -> str:
    cells = "".join(f'<c r="{COLUMNS[i]}{r}" s="{S_BLANK}"/>' for i in range(width))
    return f'<row r="{r}" {ROW_ATTRS.format(n=width)}>{cells}</row>'


def sheet_parts(pub: Publication) -> tuple[str, str, str | None]:
    """(sheet XML, shared strings XML, sheet relationships XML or None)."""
    participating = pub.kind == "participating"
    headers = PART_HEADERS if participating else PENDING_HEADERS
    if participating and pub.addendum_column:
        headers = (*headers, "ADDENDUM")
    width = len(headers)
    formatted = 13 if participating and not pub.addendum_column else width  # empty cols to M
    sst: dict[str, int] = {}
    count = 0
    rows_xml: list[str] = []
    header_cells = []
    for i, h in enumerate(headers):
        sst.setdefault(h, len(sst))
        header_cells.append(f'<c r="{COLUMNS[i]}1" s="{S_HEADER}" t="s"><v>{i}</v></c>')
    count += width
    rows_xml.append(f'<row r="1" {ROW_ATTRS.format(n=width)}>{"".join(header_cells)}</row>')
    hyperlinks: list[str] = []
    rels: list[str] = []
    filtered = pub.filtered
    template, index, append = _template, sst.setdefault, rows_xml.append
    r = 1
    for row in pub.rows:
        r += 1
        cells = row.cells
        tpl, strings, links = template(cells, filtered and cells[4] != TFM, width)
        count += len(strings)
        append(tpl.format(r, *[index(s, len(sst)) for s in strings]))
        for col, url in links:
            rid = len(rels) + 1
            hyperlinks.append(f'<hyperlink ref="{col}{r}" r:id="rId{rid}"/>')
            rels.append(
                f'<Relationship Id="rId{rid}" Type="{HYPERLINK_TYPE}" '
                f'Target="{url}" TargetMode="External"/>'
            )
    last_data = r
    for _ in range(pub.trailing_blank):
        r += 1
        rows_xml.append(_blank_row(r, width))
    last_col = COLUMNS[width - 1]
    filter_xml = ""
    if filtered:
        filter_xml = (
            '<filterColumn colId="4"><filters><filter val="Task Force Model"/></filters>'
            "</filterColumn>"
        )
    sheet = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
            '<sheetPr filterMode="1"/>' if filtered else "",
            f'<dimension ref="A1:{COLUMNS[formatted - 1]}{r}"/>',
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
            '<selection activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
            '<sheetFormatPr defaultColWidth="9.140625" defaultRowHeight="33.75" customHeight="1"/>',
            _cols(width, formatted),
            "<sheetData>",
            *rows_xml,
            "</sheetData>",
            f'<autoFilter ref="A1:{last_col}{last_data}">{filter_xml}</autoFilter>',
            f"<hyperlinks>{''.join(hyperlinks)}</hyperlinks>" if hyperlinks else "",
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3"'
            ' footer="0.3"/>',
            "</worksheet>",
        ]
    )
    shared = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            f'<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{len(sst)}">',
            *map(_si, sst),
            "</sst>",
        ]
    )
    sheet_rels = None
    if rels:
        sheet_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'
        )
    return sheet, shared, sheet_rels


_WIDTHS = (21.42578125, 47.140625, 42.28515625, 42.28515625, 33.5703125, 17.140625, 16.85546875)


def _cols(width: int, formatted: int) -> str:
    cols = []
    for i in range(formatted):
        w = _WIDTHS[i] if i < len(_WIDTHS) else 18.5703125
        cols.append(
            f'<col min="{i + 1}" max="{i + 1}" width="{w}" style="{S_TEXT}" customWidth="1"/>'
        )
    cols.append(f'<col min="{formatted + 1}" max="16384" width="9.140625" style="{S_BLANK}"/>')
    return "<cols>" + "".join(cols) + "</cols>"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _core(pub: Publication) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(AUTHOR)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(pub.editor)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_iso(pub.modified)}</dcterms:modified>'
        "</cp:coreProperties>"
    )


APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Microsoft Excel Online</Application><AppVersion>16.0300</AppVersion>"
    "</Properties>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/>'
    '<bookViews><workbookView xWindow="-190" yWindow="30" windowWidth="19320"'
    ' windowHeight="21100"/></bookViews>'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    '<calcPr calcId="191028"/></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId4" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_CT = "application/vnd.openxmlformats-officedocument."
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/docProps/core.xml"'
    ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{_CT}extended-properties+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    f' ContentType="{_CT}spreadsheetml.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml"'
    f' ContentType="{_CT}spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_FONT = '<sz val="12"/><name val="Arial"/><family val="2"/>'
_BORDER = (
    '<border><left style="thin"><color rgb="FF000000"/></left><right style="thin"><color'
    ' rgb="FF000000"/></right><top style="thin"><color rgb="FF000000"/></top><bottom'
    ' style="thin"><color rgb="FF000000"/></bottom><diagonal/></border>'
)
_CENTER = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="4"><font><sz val="11"/><name val="Aptos Narrow"/><family val="2"/></font>'
    f"<font><b/>{_FONT}</font><font>{_FONT}</font>"
    f'<font><u/><sz val="12"/><color rgb="FF467886"/><name val="Arial"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8E8E8"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>{_BORDER}'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1"'
    f' applyBorder="1" applyAlignment="1">{_CENTER}</xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"'
    f' applyAlignment="1">{_CENTER}</xf>'
    '<xf numFmtId="14" fontId="2" fillId="0" borderId="1" xfId="0" applyNumberFormat="1"'
    f' applyFont="1" applyBorder="1" applyAlignment="1">{_CENTER}</xf>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"'
    f' applyAlignment="1">{_CENTER}</xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def render(pub: Publication, *, compresslevel: int = COMPRESSLEVEL) -> bytes:
    """The workbook bytes of one publication; the same publication gives the same bytes."""
    sheet, shared, sheet_rels = sheet_parts(pub)
    members: list[tuple[str, str]] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/styles.xml", STYLES),
        ("xl/sharedStrings.xml", shared),
    ]
    if sheet_rels is not None:
        members.append(("xl/worksheets/_rels/sheet1.xml.rels", sheet_rels))
    members += [("docProps/core.xml", _core(pub)), ("docProps/app.xml", APP)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, text.encode("utf-8"), compresslevel=compresslevel)
    return buffer.getvalue()
