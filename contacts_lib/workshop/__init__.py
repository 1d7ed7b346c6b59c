"""The consensus workshop: a group's files, the answers to each question, who disagrees, the
proposed consensus (the majority of the answers given) and its one-page summary.

- :mod:`consensus`: the counting and the consensus (tables and files);
- :mod:`page`: the facilitator's page (``notebooks/atelier.ipynb``).
"""

from contacts_lib.workshop.consensus import (
    Participant,
    answer_counts,
    consensus_autodiagnostic,
    consensus_radar_svg,
    label_participants,
    majority,
    participant_scores,
    participants,
    score_spread,
    structure_names,
    summary_html,
)

__all__ = [
    "Participant",
    "answer_counts",
    "consensus_autodiagnostic",
    "consensus_radar_svg",
    "label_participants",
    "majority",
    "participant_scores",
    "participants",
    "score_spread",
    "structure_names",
    "summary_html",
]
