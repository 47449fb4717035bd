
from .irn_loss import IRNLoss  # noqa: F401
