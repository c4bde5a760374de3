"""The vocabulary every floor shares, importing nothing of g287's own.

- :mod:`g287.model.models`: ICE's 287(g) models (JEM, WSO, TFM and the rare ones) and their names.
- :mod:`g287.model.states`: US states and territories, and matching ICE's STATE cells to them.
- :mod:`g287.model.issues`: the kinds of data problem found in ICE's sheets, and their levels.
- :mod:`g287.model.naming`: what ICE's file names say (kind of list, ICE's date, part of day).
- :mod:`g287.model.dating`: the date each list is taken to stand for.
- :mod:`g287.model.levels`: the levels of government an agency can be at.
"""
