from .coco_instances import coco_annotation, encode_masks
from .data_sample import WSSSDataSample

__all__ = ['WSSSDataSample', 'coco_annotation', 'encode_masks']
