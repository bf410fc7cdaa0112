"""Renderers: the same Result as terminal text, JSON, Markdown or HTML, and the draft CAT request."""

# A .docx file can only be the draft CAT request (render/cat_request.py), written in Word.
FORMATS_BY_EXTENSION = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".txt": "text",
                        ".docx": "cat-request"}


def format_for_path(path: str) -> str | None:
    """The report format a file name asks for, or None when its extension says nothing we write."""
    from pathlib import PurePath

    return FORMATS_BY_EXTENSION.get(PurePath(path).suffix.lower())
