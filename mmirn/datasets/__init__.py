from .transforms import *  # noqa: F401,F403
from .coco import COCOClsDataset  # noqa: F401
from .image_label import ImageLabelDataset  # noqa: F401
from .voc import ToyVOCClsDataset, VOCClsDataset  # noqa: F401
