"""``imbench advise``: a recommendation in seconds for a new dataset, learned from the reference runs.

``metafeatures`` describes a dataset, ``reference`` holds what the reference runs measured (plain JSON shipped
in this package), ``metamodel`` predicts gains from the nearest reference datasets, ``validation`` checks the
advice on held-out dataset families, and ``advise`` is the journey.
"""

from __future__ import annotations

from imbench.advice.advise import Advice, ModelAdvice, advise

__all__ = ["Advice", "ModelAdvice", "advise"]
