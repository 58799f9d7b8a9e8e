"""What makes large builds fast: the read cache, read-ahead workers and the look-ahead child.

None of it changes a page: a build without it writes the same files. Imports nothing from MkDocs.
"""
