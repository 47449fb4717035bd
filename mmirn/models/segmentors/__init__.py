
from .cam_classifier import CAMClassifier  # noqa: F401
