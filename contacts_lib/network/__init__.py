"""Network analyses: many structures' autodiagnostics as tidy tables, and what they show.

    from contacts_lib.network import load_network, adoption
    network = load_network("dossier-des-autodiagnostics/").latest()
    adoption(network.answers, by="reseau")

Each autodiagnostic is named by its identifier, the ``autodiagnostic`` column of every table (its
position in the input, or a store's version id), which every view of a :class:`Network` keeps.
Every analysis checks the table it is given (:mod:`contacts_lib.frames`) and says in French what
it expected.

``tables`` builds the frames, ``analyses`` turns frames into frames, ``figures`` draws them (SVG),
``loading`` reads files and folders, ``sample`` makes the synthetic network of the demonstrations,
``page`` is the network page and ``comparison`` places one structure among its network.
"""

from contacts_lib.network.analyses import (
    GROUPINGS,
    adoption,
    campaigns_of,
    descendants,
    join_services_publics,
    keep,
    latest,
    lever_distribution,
    peer_standing,
    percentile_rank,
    progress,
    weakest_practices,
)
from contacts_lib.network.figures import adoption_heatmap_svg, lever_boxes_svg
from contacts_lib.network.loading import Network, NetworkError, load_network
from contacts_lib.network.sample import sample_network, write_sample_network
from contacts_lib.network.tables import (
    answers_frame,
    scores_frame,
    structure_key,
    structures_frame,
)

__all__ = [
    "GROUPINGS",
    "Network",
    "NetworkError",
    "adoption",
    "adoption_heatmap_svg",
    "answers_frame",
    "campaigns_of",
    "descendants",
    "join_services_publics",
    "keep",
    "latest",
    "lever_boxes_svg",
    "lever_distribution",
    "load_network",
    "peer_standing",
    "percentile_rank",
    "progress",
    "sample_network",
    "scores_frame",
    "structure_key",
    "structures_frame",
    "weakest_practices",
    "write_sample_network",
]
