"""The MkDocs side: one build's state, the pages MkDocs renders, the nav, the search wiring.

With :mod:`mkdocs_quicktakes.plugin` and :mod:`mkdocs_quicktakes.config`, the only code that
imports MkDocs.
"""
