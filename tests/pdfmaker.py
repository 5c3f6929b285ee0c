"""Write small PDFs with a Chinese text layer for tests, without any font file.

Text is drawn with a Type0 font in Identity-H encoding whose CIDs are the characters' code points,
and a ToUnicode CMap maps them back, which is all a text extractor needs. A page given as ``None``
has no text at all, like a scanned page.
"""

from __future__ import annotations


def _hex(text: str) -> str:
    return "".join(f"{ord(c):04X}" for c in text)


def make_pdf(pages: list[list[str] | None]) -> bytes:
    chars = sorted({c for page in pages if page for line in page for c in line} or {"一"})
    bf = []
    for k in range(0, len(chars), 100):
        chunk = chars[k : k + 100]
        bf.append(
            f"{len(chunk)} beginbfchar\n"
            + "\n".join(f"<{_hex(c)}> <{_hex(c)}>" for c in chunk)
            + "\nendbfchar"
        )
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(bf) + "\nendcmap\n"
        "CMapName currentdict /CMap defineresource pop\nend\nend"
    )
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below
    pages_obj = add("")
    cmap_obj = add(f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream")
    descriptor = add(
        "<< /Type /FontDescriptor /FontName /TestSong /Flags 4 /FontBBox [0 -200 1000 900] "
        "/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    cidfont = add(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSong "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} 0 R /DW 1000 >>"
    )
    font = add(
        "<< /Type /Font /Subtype /Type0 /BaseFont /TestSong /Encoding /Identity-H "
        f"/DescendantFonts [{cidfont} 0 R] /ToUnicode {cmap_obj} 0 R >>"
    )
    kids = []
    for page in pages:
        if page:
            ops = ["BT", "/F1 12 Tf", "14 TL", "40 800 Td"]
            for line in page:
                ops.append(f"<{_hex(line)}> Tj T*")
            ops.append("ET")
        else:
            ops = ["0.5 g", "40 40 500 700 re f"]  # a grey box: an image-only page
        stream = "\n".join(ops)
        content = add(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
