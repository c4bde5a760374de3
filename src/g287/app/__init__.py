"""Use cases: the only floor that touches several stores at once.

- :mod:`g287.app.importer`: archive a file, read it, store its rows, derive the history.
- :mod:`g287.app.derive`: resolve the stored lists into agreements and agencies, enrich them
  (jurisdictions, places) and write the derived tables in one transaction.
"""
