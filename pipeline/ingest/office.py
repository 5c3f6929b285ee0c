"""Old binary Word (.doc) and WPS Office (.wps) files → text, with whatever tool is installed.

Order: antiword (small, fast, gives tables as ``|``-separated rows), then LibreOffice headless (the
most complete, but slow to start), then catdoc (no tables, but reads what antiword refuses). A tool
whose output is mostly replacement characters has not understood the file, and the next one is tried.
A .wps or .doc that is really a .docx inside never reaches here: readers sniff the zip magic first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.settings import Settings

TIMEOUT_S = 120
_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def _run(cmd: list[str], timeout: int = TIMEOUT_S) -> str:
    out = subprocess.run(cmd, capture_output=True, timeout=timeout, check=True, stdin=subprocess.DEVNULL)
    return out.stdout.decode("utf-8", "replace")


def _antiword(path: Path, tmp: str) -> str:
    exe = shutil.which("antiword")
    if not exe:
        raise FileNotFoundError("antiword")
    text = _run([exe, "-m", "UTF-8.txt", "-w", "0", str(path)])
    lines = []
    for line in text.splitlines():
        m = _TABLE_ROW.match(line)
        if m:  # a table row: |cell   |cell   | → cells joined by TAB, as for .docx
            line = "\t".join(" ".join(c.split()) for c in m.group(1).split("|"))
        lines.append(line)
    return "\n".join(lines)


def _catdoc(path: Path, tmp: str) -> str:
    exe = shutil.which("catdoc")
    if not exe:
        raise FileNotFoundError("catdoc")
    return _run([exe, "-w", "-d", "utf-8", str(path)])


def _libreoffice(path: Path, tmp: str) -> bytes:
    """Convert to .docx and read it with the .docx reader (tables in order)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise FileNotFoundError("soffice")
    profile = Path(tmp) / "profile"  # its own profile: a user's running LibreOffice does not block it
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(path),
        ],
        capture_output=True,
        timeout=TIMEOUT_S,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    out = Path(tmp) / (path.stem + ".docx")
    if not out.is_file():  # LibreOffice exits 0 when it cannot read the file, and writes nothing
        raise ValueError("LibreOffice wrote no document")
    return out.read_bytes()


TOOLS: tuple[tuple[str, Callable[[Path, str], str | bytes]], ...] = (
    ("antiword", _antiword),
    ("libreoffice", _libreoffice),
    ("catdoc", _catdoc),
)


def _understood(text: str) -> bool:
    """Whether a tool's output is text: some visible characters, few replacement characters."""
    visible = "".join(text.split())
    if len(visible) < 2:
        return False
    bad = visible.count("\ufffd") + visible.count("?")
    return bad / len(visible) < 0.05


def read_doc(data: bytes, name: str, settings: Settings):  # -> readers.RawText
    """Old binary Word or WPS text, tables as TAB-joined rows where the tool gives them."""
    from pipeline.ingest.readers import RawText, read_docx

    kind = "wps" if Path(name).suffix.lower() == ".wps" else "doc"
    tried: list[str] = []
    with tempfile.TemporaryDirectory(prefix="shuzhi-doc-") as tmp:
        src = Path(tmp) / f"input.{kind}"
        src.write_bytes(data)
        for tool, fn in TOOLS:
            try:
                out = fn(src, tmp)
            except FileNotFoundError:
                continue
            except (subprocess.SubprocessError, OSError, ValueError):
                tried.append(tool)
                continue
            if isinstance(out, bytes):  # LibreOffice's .docx
                try:
                    raw = read_docx(out, name, settings)
                except IngestError:
                    tried.append(tool)
                    continue
                raw.encoding = f"{kind}/libreoffice"
                return raw
            if _understood(out):
                return RawText(out, f"{kind}/{tool}")
            tried.append(tool)
    label = "WPS Office .wps" if kind == "wps" else "old binary Word .doc"
    if not tried:
        raise IngestError(
            name,
            "old_word",
            f"{label} needs antiword, catdoc or LibreOffice to be read: install one "
            "(apt-get install antiword) or save it as .docx",
        )
    raise IngestError(
        name, "unreadable_doc", f"{label} could not be read ({', '.join(tried)} failed): save it as .docx"
    )
