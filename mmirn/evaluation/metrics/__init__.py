
from .cam_metric import CAMMetric  # noqa: F401
from .cam_writer import CAMWriter  # noqa: F401
