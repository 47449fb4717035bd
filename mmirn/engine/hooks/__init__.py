
from .displacement_mean_hook import DisplacementMeanHook  # noqa: F401
