"""MkDocs plugin that turns QuickTakes Q&A files into a themed static Q&A site."""

__version__ = "0.2.0"
