"""The web plumbing every page of the tool shares, and which uses no feature of its own:

- :mod:`html`: HTML built in Python and escaped by default, the pages' styles, the first paint;
- :mod:`browser_memory`: what a widget page keeps in its visitor's browser;
- :mod:`server`: the ``contacts-efficaces app`` command (addresses, settings, start);
- :mod:`hosting`: the Voilà server that hosts the pages for many visitors;
- :mod:`landing`: the landing page, the tool's front door (the one module here that shows the
  features: their scoring rules and the worked example);
- ``static/``: the scripts and styles shared by every page.
"""
