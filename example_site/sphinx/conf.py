"""The example site of mkdocs-quicktakes, built by Sphinx from the MkDocs example's own files.

From the repository root (``-c`` names this folder for the configuration; the documents are
``example_site/docs``, exactly those that ``mkdocs build -f example_site/mkdocs.yml`` builds):

    .venv/bin/sphinx-build -W -c example_site/sphinx -b dirhtml \
        example_site/docs example_site/sphinx/_build
"""

project = "QuickTakes example"
language = "en"
html_baseurl = "https://example.org/"
html_theme = "alabaster"
extensions = ["myst_parser", "mkdocs_quicktakes.sphinx"]
