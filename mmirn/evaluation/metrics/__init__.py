
from .cam_metric import CAMMetric  # noqa: F401
from .cam_writer import CAMWriter  # noqa: F401
from .instance_label_metric import InstanceLabelMetric  # noqa: F401
from .sem_label_metric import SemLabelMetric  # noqa: F401
from .psa_label_metric import PSALabelMetric  # noqa: F401
