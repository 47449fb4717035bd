
from .irn_loss import IRNLoss  # noqa: F401
from .affinity_loss import AffinityLoss  # noqa: F401
from .region_contrast_loss import RegionContrastLoss, region_nce  # noqa: F401
