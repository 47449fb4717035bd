from .cam_metric import CAMMetric  # noqa: F401
from .instance_metrics import CocoMaskMetric, VOCInstanceMetric  # noqa: F401
from .iou_metrics import LabelIoUMetric, SweepIoUMetric  # noqa: F401
