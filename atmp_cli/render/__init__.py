"""Renderers: the same Result as terminal text, JSON, Markdown or HTML."""
