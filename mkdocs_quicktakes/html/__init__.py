"""What a page shows and says about itself: template views, head tags, SEO and JSON-LD.

Pure: imports nothing from MkDocs.
"""
