
from .cam_classifier import CAMClassifier  # noqa: F401
from .irnet import IRNet  # noqa: F401
from .affinitynet import AffinityNet  # noqa: F401
