"""The COCO annotation records of the instance writer and the COCO AP."""
import json

import numpy as np

from mmirn.structures import coco_annotation, encode_masks


def test_coco_annotation_of_a_box_mask():
    mask = np.zeros((1, 10, 12), bool)
    mask[0, 2:5, 3:9] = True  # rows 2-4, columns 3-8
    rle = encode_masks(mask)[0]
    ann = coco_annotation(7, 3, 1, rle)
    assert ann == dict(id=7, image_id=3, category_id=2, segmentation=rle,
                       area=18.0, bbox=[3.0, 2.0, 6.0, 3.0], iscrowd=0)
    assert all(type(v) is float for v in ann['bbox'])
    scored = coco_annotation(1, 1, 0, rle, score=np.float32(0.5))
    assert scored['score'] == 0.5 and type(scored['score']) is float
    json.dumps(scored)  # plain Python types only
