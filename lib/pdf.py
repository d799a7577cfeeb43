"""HTML to PDF with WeasyPrint, for the documents the portal prints (certificates,
attendance sheets…).

WeasyPrint is loaded by the process that builds a document (heavy: Pango), not by every
page. Importing it sets Pillow's `ImageFile.LOAD_TRUNCATED_IMAGES` for the whole process,
which would make `lib.uploads.validate_image` accept damaged images there: the flag is put
back.
"""


def _weasyprint():
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def html_to_pdf(html: str, *, css: str = "") -> tuple[bytes, int]:
    """The PDF of `html` laid out with the stylesheet `css`, and its number of pages."""
    weasyprint = _weasyprint()
    stylesheets = [weasyprint.CSS(string=css)] if css else []
    document = weasyprint.HTML(string=html).render(stylesheets=stylesheets)
    return document.write_pdf(), len(document.pages)
