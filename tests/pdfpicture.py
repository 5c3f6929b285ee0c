"""A PDF page as a picture, so a test can save what LibreOffice made of a letter for a reviewer to look at."""

from __future__ import annotations

from pathlib import Path


def first_page_png(pdf: Path, target: Path, scale: float = 1.0) -> Path:
    """Render page 1 of ``pdf`` to ``target`` (PNG) with pypdfium2 and return it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target)
    return target


def ink_share(png: Path) -> float:
    """The share of the page that is not white: a page of tofu boxes or a blank page both fail a floor."""
    from PIL import Image

    grey = Image.open(png).convert("L")
    dark = sum(1 for v in grey.getdata() if v < 200)
    return dark / (grey.width * grey.height)
