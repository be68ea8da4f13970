"""Docs pages (markdown) -> IR.  See ``compiler.compile_pages``."""
