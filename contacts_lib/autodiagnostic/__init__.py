"""The autodiagnostic of one structure: the recueil's catalogue, the answers, the scores exactly
as the original tool computes them, the action plan, the radar, the reports, and the app's page.

- :mod:`reference`: the 4 levers, 36 questions and 36 practices (``data/``), and the fiches;
- :mod:`answers`: an :class:`~answers.Autodiagnostic` (header fields and answers), checked as a
  person means it;
- :mod:`scoring`: lever coverages and moyenne, rounded as the spreadsheet rounds;
- :mod:`action_plan`: the practices still to put in place, weakest lever first;
- :mod:`figures`: the radar (plotly, and SVG without a script); :mod:`report`: the printed report
  and the one-page summary;
- :mod:`page` (the app's widget), :mod:`markup` (its HTML) and :mod:`contract` (what its Python
  and its scripts share), with its scripts and styles in ``static/``.

Its file formats are :mod:`contacts_lib.formats`. Only the light modules are imported here: the
app's page (anywidget, plotly) is imported where it is used.
"""
