
from .cam_head import CAMHead  # noqa: F401
from .irn_head import IRNHead  # noqa: F401
from .affinity_head import AffinityHead  # noqa: F401
from .rca_head import RCAHead  # noqa: F401
from .rca_modules import (RegionMemoryBank, SemanticAggregation,  # noqa: F401
                          attention_entropy, region_embeddings)
