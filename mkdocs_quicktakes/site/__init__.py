"""The site as a whole: reading every file, where pages go, the catalog, hubs, feeds, sitemaps.

Pure: imports nothing from MkDocs; the MkDocs build (:mod:`mkdocs_quicktakes.build`), the
checker and the Sphinx extension apply the same decisions.
"""
