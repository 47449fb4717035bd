
from .irn_loss import IRNLoss  # noqa: F401
from .affinity_loss import AffinityLoss  # noqa: F401
