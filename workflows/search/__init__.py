"""German full-text search over challenges and good practices, one module for the API, the
pages and the admin. See ``analysis`` (text to terms), ``index`` (stored terms, kept current
by the services), ``query`` (ranked matching) and ``suggest`` (similar challenges and good
practices while filing).
"""
