"""mlkg: machine-learning cheatsheets as a knowledge graph.

>>> import mlkg
>>> kg = mlkg.load("data/13-generative-models.md")
>>> [step["id"] for step in kg.prerequisites("stable-diffusion")][:2]
['autoencoder', 'vae']

The package is a pipeline, each stage a subpackage that imports only the
ones before it: :mod:`mlkg.read` → :mod:`mlkg.mine` → :mod:`mlkg.graph` →
:mod:`mlkg.views` → :mod:`mlkg.knowledge` (this API) → :mod:`mlkg.project`
(build folders) → :mod:`mlkg.cli`.
"""

from __future__ import annotations

from .errors import (
    AmbiguousNameError,
    CheatsheetError,
    CurationError,
    FrozenGraphError,
    InputError,
    MlkgError,
    NoPathError,
    QueryError,
    UnknownConceptError,
)

__version__ = "0.2.0"
__all__ = [
    "AmbiguousNameError", "CheatsheetError", "CurationError", "FrozenGraphError", "InputError", "KnowledgeGraph",
    "MlkgError", "NoPathError", "QueryError", "UnknownConceptError", "load",
]


def __getattr__(name: str):
    # networkx costs a fifth of a second to import: `mlkg --help` and `import mlkg.errors` should not pay it
    if name in ("load", "KnowledgeGraph"):
        from . import knowledge

        return getattr(knowledge, name)
    raise AttributeError(name)
